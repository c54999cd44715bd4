"""Chain templates generated from the 战略性新兴产业(2018) tree and its 重点产品 lists.

Two kinds, both built from the shipped reference data (``reference.data``), never typed in:

- ``tree``: every 战略性新兴产业 category with two or more sub-categories becomes a chain whose
  nodes are those sub-categories, each tied to the GB/T 4754 小类 under it and carrying its
  重点产品 as keywords (节能环保产业 > 先进环保产业 → 7 nodes).
- ``curated``: chains the pilot zones name (新型储能, 集成电路, …) whose nodes do not follow the
  tree's cut. Each node names its 小类 codes, the categories it belongs to and a few technology
  words; its keywords are the 重点产品 of those codes that contain one of the words.

A zone applies a template to get an editable chain (``service.apply_template``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from shuanggao.reference.data import industries
from shuanggao.reference.enums import IndustryTag

# How many 重点产品 a generated node keeps as keywords.
MAX_NODE_KEYWORDS = 24
TREE_PREFIX = "tree:"


def normalize_path(path: str) -> str:
    """``新能源产业>智能电网产业 > …`` → ``新能源产业 > 智能电网产业 > …`` (every step
    stripped, including the source's non-breaking spaces)."""
    return " > ".join(p.strip() for p in re.split(r"[>＞]", path))


@dataclass(frozen=True)
class TemplateNode:
    name: str
    industry_codes: list[str]
    emerging_paths: list[str]
    keywords: list[str]


@dataclass(frozen=True)
class ChainTemplate:
    key: str
    name: str
    source: str  # "curated" | "tree"
    description: str
    nodes: list[TemplateNode]


@dataclass(frozen=True)
class Strategic:
    """One (小类, 战略性新兴产业 category) pair of the catalog."""

    code: str  # C3841
    name: str
    path: str  # normalised
    products: tuple[str, ...]


@dataclass(frozen=True)
class CuratedNode:
    name: str
    codes: tuple[str, ...]
    paths: tuple[str, ...]
    words: tuple[str, ...]


@dataclass(frozen=True)
class Curated:
    key: str
    description: str
    nodes: tuple[CuratedNode, ...]


_STORAGE = "新一代信息技术产业 > 电子核心产业 > 高储能和关键电子材料制造"
_GRID_CONTROL = "新能源产业 > 智能电网产业 > 智能电力控制设备及电缆制造"
_GRID = "新能源产业 > 智能电网产业 > 智能电网输送与配电"
_IC = "新一代信息技术产业 > 电子核心产业 > 集成电路制造"

CURATED: tuple[Curated, ...] = (
    Curated(
        "新型储能",
        "电化学储能从材料到电站运维的产业链（江苏“1650”产业体系中的新型储能）。",
        (
            CuratedNode(
                "正负极材料",
                ("C3091", "C3985"),
                ("新材料产业 > 新能源材料制造", "新材料产业 > 专用化学品及材料制造"),
                ("负极", "正极", "石墨", "电解液", "隔膜", "锂"),
            ),
            CuratedNode(
                "电芯", ("C3841", "C3849"), (_STORAGE,), ("电池单体", "锂离子电池", "电芯")
            ),
            CuratedNode(
                "电池管理系统",
                ("C3849",),
                (_STORAGE,),
                ("电池管理系统", "BMS", "荷电状态", "均衡"),
            ),
            CuratedNode(
                "储能变流器",
                ("C3821",),
                (_GRID_CONTROL,),
                ("变流器", "逆变器", "PCS", "双向"),
            ),
            CuratedNode(
                "系统集成",
                ("C3849", "D4420"),
                (_GRID,),
                ("储能系统", "储能装置", "储能电站", "并网"),
            ),
            CuratedNode(
                "运维与安全",
                ("C3823", "M7320"),
                (_GRID_CONTROL,),
                ("在线监测", "诊断", "安全预警", "热失控", "安全预测", "故障诊断", "运维"),
            ),
        ),
    ),
    Curated(
        "集成电路",
        "设计、制造、封装测试与材料装备（江苏“1650”产业体系中的集成电路）。",
        (
            CuratedNode("芯片设计", ("I6520",), (), ("集成电路设计", "芯片设计", "EDA")),
            CuratedNode("晶圆制造", ("C3973",), (_IC,), ("晶圆", "制造", "工艺")),
            CuratedNode("封装测试", ("C3973",), (_IC,), ("封装", "测试", "芯片测试")),
            CuratedNode(
                "材料与装备",
                ("C3985", "C3562"),
                ("新材料产业 > 专用化学品及材料制造",),
                ("光刻胶", "电子特气", "靶材", "半导体器件专用设备", "硅片"),
            ),
        ),
    ),
)


@cache
def strategic_rows() -> tuple[Strategic, ...]:
    rows: list[Strategic] = []
    for node in industries():
        for c in node.classifications:
            if c["tag"] != IndustryTag.STRATEGIC:
                continue
            rows.append(
                Strategic(
                    node.full_code, node.name, normalize_path(c["path"]), tuple(c["products"])
                )
            )
    return tuple(rows)


@cache
def emerging_paths() -> frozenset[str]:
    """Every category path of the catalog, and every prefix of one (a broader category)."""
    out: set[str] = set()
    for row in strategic_rows():
        steps = row.path.split(" > ")
        out.update(" > ".join(steps[:i]) for i in range(1, len(steps) + 1))
    return frozenset(out)


def is_emerging_path(path: str) -> bool:
    return normalize_path(path) in emerging_paths()


def _products(rows: list[Strategic], words: tuple[str, ...] = ()) -> list[str]:
    out: list[str] = []
    for row in rows:
        for p in row.products:
            if p not in out and (not words or any(w in p for w in words)):
                out.append(p)
    return out[:MAX_NODE_KEYWORDS]


def _tree_templates() -> list[ChainTemplate]:
    by_parent: dict[str, dict[str, list[Strategic]]] = {}
    for row in strategic_rows():
        steps = row.path.split(" > ")
        if len(steps) < 3:
            continue
        parent = " > ".join(steps[:2])
        by_parent.setdefault(parent, {}).setdefault(row.path, []).append(row)
    out: list[ChainTemplate] = []
    for parent, children in by_parent.items():
        if len(children) < 2:
            continue
        nodes = [
            TemplateNode(
                name=path.rsplit(" > ", 1)[-1],
                industry_codes=list(dict.fromkeys(r.code for r in rows)),
                emerging_paths=[path],
                keywords=_products(rows),
            )
            for path, rows in children.items()
        ]
        out.append(
            ChainTemplate(
                key=TREE_PREFIX + parent,
                name=parent.rsplit(" > ", 1)[-1],
                source="tree",
                description=f"按战略性新兴产业分类“{parent}”的下级类别生成。",
                nodes=nodes,
            )
        )
    return out


def _curated_templates() -> list[ChainTemplate]:
    by_code: dict[str, list[Strategic]] = {}
    for row in strategic_rows():
        by_code.setdefault(row.code, []).append(row)
    out: list[ChainTemplate] = []
    for curated in CURATED:
        nodes: list[TemplateNode] = []
        for spec in curated.nodes:
            rows = [r for code in spec.codes for r in by_code.get(code, [])]
            products = _products(rows, spec.words)
            nodes.append(
                TemplateNode(
                    name=spec.name,
                    industry_codes=list(spec.codes),
                    emerging_paths=[normalize_path(p) for p in spec.paths],
                    keywords=list(dict.fromkeys([*spec.words, *products])),
                )
            )
        out.append(
            ChainTemplate(
                key=curated.key,
                name=curated.key,
                source="curated",
                description=curated.description,
                nodes=nodes,
            )
        )
    return out


@cache
def templates() -> tuple[ChainTemplate, ...]:
    """Curated templates first, then the tree's, in catalog order."""
    return (*_curated_templates(), *_tree_templates())


def get_template(key: str) -> ChainTemplate | None:
    return next((t for t in templates() if t.key == key), None)
