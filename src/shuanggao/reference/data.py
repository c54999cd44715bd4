"""The reference files shipped in ``shuanggao/reference/data`` and typed readers for them.

Nothing here touches the database: ``shuanggao/reference_loader.py`` writes what these readers
return, and the matching classifier reads its label sets straight from here. The programme's own
files (pairs, facts, policy lists, the opinion) are read by ``programme/data.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from shuanggao.kit.csvfiles import ReferenceDataError as ReferenceDataError
from shuanggao.kit.csvfiles import blank_to_none as blank_to_none
from shuanggao.kit.csvfiles import parse_date as parse_date
from shuanggao.kit.csvfiles import parse_figure as parse_figure
from shuanggao.kit.csvfiles import read_csv as read_csv
from shuanggao.reference.enums import INDUSTRY_LEVEL_BY_DEPTH, IndustryLevel, IndustryTag

DATA_DIR = Path(__file__).resolve().parent / "data"

UNIVERSITIES_CSV = DATA_DIR / "universities" / "moe_2025_putong_gaoxiao.csv"
JIANGSU_UNIVERSITIES_CSV = DATA_DIR / "universities" / "jiangsu_2025_putong_gaoxiao.csv"
INDUSTRY_CSV = DATA_DIR / "industry_gbt4754" / "gbt4754_2017_flat.csv"
INDUSTRY_TAGS_CSV = DATA_DIR / "industry_gbt4754" / "gbt4754_tag_mapping.csv"
DISCIPLINES_CSV = DATA_DIR / "disciplines" / "discipline_catalog_2022.csv"
STOPWORDS_DIR = DATA_DIR / "stopwords"
ZONES_CSV = DATA_DIR / "zones" / "jiangsu_zones_known.csv"
PROGRAMME_DIR = DATA_DIR / "programme"
PILOT_ZONES_CSV = PROGRAMME_DIR / "pilot_zones.csv"
PROVINCIAL_ZONES_CSV = PROGRAMME_DIR / "provincial_zones.csv"

STOPWORD_LISTS = ("hit", "cn", "baidu", "scu")


# ---------------------------------------------------------------- universities


@dataclass(frozen=True)
class UniversityRow:
    line: int
    code: str
    name: str
    province: str
    city: str
    authority: str
    level: str  # 本科 / 专科
    note: str | None  # 民办, 中外合作办学及内地与港澳合作办学, …


def universities() -> list[UniversityRow]:
    return [
        UniversityRow(
            line=line,
            code=r["code"],
            name=r["name"],
            province=r["province"],
            city=r["city"],
            authority=r["competent_dept"],
            level=r["level"],
            note=blank_to_none(r["note"]),
        )
        for line, r in read_csv(UNIVERSITIES_CSV)
    ]


# ---------------------------------------------------------------- industries


@dataclass(frozen=True)
class IndustryNode:
    code: str
    name: str
    level: IndustryLevel
    section: str
    parent_code: str | None
    description: str | None
    tags: tuple[str, ...] = ()
    classifications: tuple[dict[str, Any], ...] = ()

    @property
    def full_code(self) -> str:
        return self.code if self.code == self.section else f"{self.section}{self.code}"

    @property
    def strategic_paths(self) -> list[str]:
        return [c["path"] for c in self.classifications if c["tag"] == IndustryTag.STRATEGIC]

    @property
    def key_products(self) -> list[str]:
        products: list[str] = []
        for c in self.classifications:
            if c["tag"] == IndustryTag.STRATEGIC:
                products.extend(p for p in c["products"] if p not in products)
        return products

    @property
    def included_text(self) -> str:
        """What the node covers: its 说明 without the ◆ 不包括 parts and without list markers."""
        return included_text(self.description)

    @property
    def keywords(self) -> str | None:
        """The searchable text: the included 说明, classification paths and key products."""
        parts: list[str] = [self.included_text] if self.included_text else []
        for c in self.classifications:
            for part in (c["path"], *c["products"]):
                if part and part not in parts:
                    parts.append(part)
        return "；".join(parts) or None

    @property
    def is_strategic(self) -> bool:
        return IndustryTag.STRATEGIC in self.tags

    @property
    def is_high_tech(self) -> bool:
        return bool(
            {IndustryTag.HIGH_TECH_MANUFACTURING, IndustryTag.HIGH_TECH_SERVICES} & set(self.tags)
        )

    @property
    def is_digital(self) -> bool:
        return IndustryTag.DIGITAL in self.tags


def included_text(description: str | None) -> str:
    """The 说明 text without its ◆ (excludes) sections, with ◇ and — markers removed."""
    if not description:
        return ""
    kept: list[str] = []
    excluding = False
    for raw in description.splitlines():
        line = raw.strip()
        if line.startswith("◆"):
            excluding = True
            continue
        if line.startswith("◇"):
            excluding = False
        if excluding or not line:
            continue
        kept.append(line.lstrip("◇—").strip())
    return "\n".join(part for part in kept if part)


@cache
def industries() -> tuple[IndustryNode, ...]:
    """All 1,972 nodes of GB/T 4754-2017 in the standard's order, with their tag details."""
    known_tags = {t.value for t in IndustryTag}
    details: dict[str, list[dict[str, Any]]] = {}
    for line, r in read_csv(INDUSTRY_TAGS_CSV):
        if r["tag"] not in known_tags:
            raise ReferenceDataError(INDUSTRY_TAGS_CSV, line, f"未知的分类标签“{r['tag']}”")
        details.setdefault(r["code"], []).append(
            {
                "tag": r["tag"],
                "tag_name": r["tag_name"],
                "path": r["category_path"],
                "has_star": r["has_star"] == "True",
                "star_description": r["star_description"] or None,
                "products": [p for p in r["products"].split("|") if p],
            }
        )
    nodes: list[IndustryNode] = []
    for line, r in read_csv(INDUSTRY_CSV):
        try:
            level = INDUSTRY_LEVEL_BY_DEPTH[int(r["level"])]
        except (KeyError, ValueError) as exc:
            raise ReferenceDataError(INDUSTRY_CSV, line, f"层级“{r['level']}”不正确") from exc
        nodes.append(
            IndustryNode(
                code=r["code"],
                name=r["name"],
                level=level,
                section=r["section"],
                parent_code=blank_to_none(r["parent_code"]),
                description=blank_to_none(r["description"]),
                tags=tuple(t for t in r["tags"].split("|") if t),
                classifications=tuple(details.get(r["code"], ())),
            )
        )
    return tuple(nodes)


@cache
def industries_by_code() -> dict[str, IndustryNode]:
    return {node.code: node for node in industries()}


def is_industry_code(code: str) -> bool:
    """Whether ``C3841`` (门类 letter and 2–4 digits, or the letter alone) names a node of
    GB/T 4754-2017 under its own 门类: ``C99`` and ``A3841`` do not."""
    code = code.strip().upper()
    section, digits = code[:1], code[1:]
    node = industries_by_code().get(digits or section)
    return node is not None and node.section == section


# ---------------------------------------------------------------- disciplines


@dataclass(frozen=True)
class DisciplineRow:
    code: str
    name: str
    kind: str  # reference.enums.DisciplineKind value
    parent_code: str | None
    doctoral: bool | None = None
    note: str | None = None


@cache
def disciplines() -> tuple[DisciplineRow, ...]:
    """The 14 门类 followed by their 一级学科 and 专业学位类别 (198 entries)."""
    categories: dict[str, DisciplineRow] = {}
    items: list[DisciplineRow] = []
    for line, r in read_csv(DISCIPLINES_CSV):
        if r["type"] not in ("academic", "professional"):
            raise ReferenceDataError(DISCIPLINES_CSV, line, f"类型“{r['type']}”不正确")
        categories.setdefault(
            r["category_code"],
            DisciplineRow(
                code=r["category_code"], name=r["category_name"], kind="category", parent_code=None
            ),
        )
        doctoral = {"true": True, "false": False}.get(r["doctoral"].lower())
        items.append(
            DisciplineRow(
                code=r["code"],
                name=r["name"],
                kind=r["type"],
                parent_code=r["category_code"],
                doctoral=doctoral,
                note=blank_to_none(r["note"]),
            )
        )
    return (*categories.values(), *items)


# ---------------------------------------------------------------- stopwords


@cache
def stopwords(*lists: str) -> frozenset[str]:
    """The union of the named lists (default: all four). Names: hit, cn, baidu, scu."""
    words: set[str] = set()
    for name in lists or STOPWORD_LISTS:
        if name not in STOPWORD_LISTS:
            raise ValueError(f"unknown stopword list {name!r}; choose from {STOPWORD_LISTS}")
        path = STOPWORDS_DIR / f"{name}_stopwords.txt"
        words.update(w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip())
    return frozenset(words)


def stopwords_path(name: str = "hit") -> Path:
    if name not in STOPWORD_LISTS:
        raise ValueError(f"unknown stopword list {name!r}; choose from {STOPWORD_LISTS}")
    return STOPWORDS_DIR / f"{name}_stopwords.txt"


# ---------------------------------------------------------------- zones


@dataclass
class ZoneRow:
    """A zone as the shipped files describe it (merged from several files)."""

    name: str
    city: str
    level: str  # zones.schemas.ZoneLevel value; "unknown" when no file states it
    full_name: str | None = None
    is_pilot: bool = False
    source_url: str | None = None
    source_date: dt.date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def note(self) -> str | None:
        return "；".join(self.notes) or None


_LEVELS = {"国家级": "national", "省级": "provincial", "省级（筹）": "provincial_prep"}


def _level(path: Path, line: int, text: str) -> str:
    try:
        return _LEVELS[text]
    except KeyError as exc:
        raise ReferenceDataError(path, line, f"级别“{text}”不正确") from exc


def provincial_short_name(full_name: str) -> str:
    """江苏省西太湖高新技术产业开发区（筹） → 西太湖高新区 (the programme's short form)."""
    name = full_name.removesuffix("（筹）")
    for prefix in ("江苏省", "江苏"):
        name = name.removeprefix(prefix)
    return name.replace("高新技术产业开发区", "高新区")


def zones() -> list[ZoneRow]:
    """Known zones, pilot flags and provincial zones merged by short name, in file order."""
    merged: dict[str, ZoneRow] = {}
    for line, r in read_csv(ZONES_CSV):
        row = ZoneRow(
            name=r["short_name"],
            full_name=blank_to_none(r["full_name"]),
            city=r["city"],
            level=_level(ZONES_CSV, line, r["level"]),
        )
        if "national list" in r["source"]:
            row.notes.append("国家高新区名单（待与科技部火炬中心名单核对）")
        elif "named in article" in r["source"]:
            row.notes.append("级别据项目整理的高新区名单，报道未注明级别，待核实")
        merged[row.name] = row
    for line, r in read_csv(PROVINCIAL_ZONES_CSV):
        name = provincial_short_name(r["name"])
        level = _level(PROVINCIAL_ZONES_CSV, line, r["level"])
        evidence = f"级别依据：{r['evidence']}（{r['source_url']}）"
        existing = merged.get(name)
        if existing is None:
            merged[name] = ZoneRow(
                name=name,
                full_name=r["name"],
                city=r["city"],
                level=level,
                source_url=r["source_url"] or None,
                source_date=parse_date(PROVINCIAL_ZONES_CSV, line, r["source_date"]),
                notes=[r["evidence"]],
            )
            continue
        if existing.level != level:
            raise ReferenceDataError(PROVINCIAL_ZONES_CSV, line, f"{name}的级别与高新区名单不一致")
        existing.notes = [evidence]
    for line, r in read_csv(PILOT_ZONES_CSV):
        found = merged.get(r["zone"])
        if found is None:
            row = ZoneRow(
                name=r["zone"],
                city=r["city"],
                level="unknown",
                notes=["级别待核实：试点名单未注明级别，随附数据中也没有其他来源"],
            )
            merged[row.name] = row
        elif found.city != r["city"]:
            raise ReferenceDataError(
                PILOT_ZONES_CSV, line, f"{found.name}的所在市与高新区名单不一致"
            )
        else:
            row = found
        row.is_pilot = True
        row.source_url = r["source_url"] or None
        row.source_date = parse_date(PILOT_ZONES_CSV, line, r["source_date"])
        row.notes.insert(0, "“双高协同”首批试点高新区（2025年7月公布）")
    return list(merged.values())
