"""Excel workbooks: a zone's gap report, a university's discipline gaps, the batch map."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from shuanggao.demandmap.batch import BatchMap, Pair
from shuanggao.demandmap.schemas import GapRow, UniversityGaps
from shuanggao.supply.schemas import SupplyKind

_KINDS = {k.value: k.label for k in SupplyKind}


def cell_text(value: object) -> object:
    """Text never starts a formula in a spreadsheet (=, +, -, @ are prefixed with ')."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _sheet(ws: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([cell_text(v) for v in row])
    for i, header in enumerate(headers):
        letter = ws.cell(row=1, column=i + 1).column_letter
        ws.column_dimensions[letter].width = max(10, min(60, len(header) * 3))


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _first(wb: Workbook, title: str) -> Worksheet:
    ws = wb.active
    assert ws is not None
    ws.title = title
    return ws


def zone_gaps_workbook(zone_name: str, rows: Sequence[GapRow]) -> bytes:
    wb = Workbook()
    _sheet(
        _first(wb, "缺口"),
        (
            "产业链",
            "环节",
            "需求编号",
            "产业需求",
            "企业",
            "结对高校最佳供给",
            "供给方",
            "覆盖率",
            "省内其他高校较好供给",
            "其供给方",
        ),
        (
            (
                r.chain,
                r.node,
                r.demand_id,
                r.title,
                r.owner,
                r.best_title or "",
                r.best_owner or "",
                None if r.best_coverage is None else round(r.best_coverage, 4),
                r.elsewhere_title or "",
                r.elsewhere_owner or "",
            )
            for r in rows
        ),
    )
    _sheet(
        wb.create_sheet("说明"),
        ("项目", "内容"),
        (
            ("高新区", zone_name),
            ("缺口", "结对高校供给中没有较好答案（覆盖需求关键词权重一半以上）的产业需求"),
            ("用途", "可作为全省关键核心技术攻关选题的候选"),
        ),
    )
    return _bytes(wb)


def university_gaps_workbook(gaps: UniversityGaps) -> bytes:
    wb = Workbook()
    _sheet(
        _first(wb, "学科缺口"),
        ("学科代码", "一级学科", "需要该学科的需求数", "示例需求"),
        ((g.code, g.name, g.demands, "；".join(g.examples)) for g in gaps.lacking),
    )
    _sheet(
        wb.create_sheet("说明"),
        ("项目", "内容"),
        (
            ("高校", gaps.university_name),
            ("已有学科", "、".join(gaps.disciplines_held)),
            ("学科缺口", "结对高新区需求所需、本校技术供给清单尚无的一级学科"),
        ),
    )
    return _bytes(wb)


def _pairs(pairs: Sequence[Pair], n: int) -> list[object]:
    out: list[object] = []
    for i in range(n):
        p = pairs[i] if i < len(pairs) else None
        out.extend(
            [p.title, p.owner, p.score, p.coverage, "是" if p.strong else "否", p.reasons]
            if p
            else ["", "", None, None, "", ""]
        )
    return out


def batch_workbook(result: BatchMap, top: int = 3) -> bytes:
    wb = Workbook()
    pair_headers: list[str] = []
    for i in range(1, top + 1):
        pair_headers += [f"第{i}供给", "供给方", "得分", "覆盖率", "较好答案", "匹配理由"]
    _sheet(
        _first(wb, "需求→供给"),
        ["需求编号", "产业需求", "企业", "高新区", "产业链环节", "已有较好供给", *pair_headers],
        (
            [
                n.demand_id,
                n.title,
                n.owner,
                n.zone,
                n.node,
                "是" if n.covered else "否",
                *_pairs(n.answers, top),
            ]
            for n in result.needs
        ),
    )
    need_headers: list[str] = []
    for i in range(1, top + 1):
        need_headers += [f"最相近需求{i}", "企业", "得分", "覆盖率", "较好答案", "匹配理由"]
    _sheet(
        wb.create_sheet("供给→需求"),
        ["条目编号", "技术供给", "供给方", "类型", "较好回答的需求", *need_headers],
        (
            [
                s.item_id,
                s.title,
                s.owner,
                _KINDS.get(s.kind, s.kind),
                "；".join(p.title for p in s.answers),
                *_pairs(s.closest, top),
            ]
            for s in result.supply
        ),
    )
    _sheet(
        wb.create_sheet("缺口"),
        ("需求编号", "产业需求", "企业", "高新区", "产业链环节", "最佳供给", "覆盖率"),
        (
            (
                n.demand_id,
                n.title,
                n.owner,
                n.zone,
                n.node,
                n.answers[0].title if n.answers else "",
                n.answers[0].coverage if n.answers else None,
            )
            for n in result.gaps
        ),
    )
    _sheet(
        wb.create_sheet("未被需要的供给"),
        ("条目编号", "技术供给", "供给方", "类型", "最相近需求", "得分"),
        (
            (
                s.item_id,
                s.title,
                s.owner,
                _KINDS.get(s.kind, s.kind),
                s.closest[0].title if s.closest else "",
                s.closest[0].score if s.closest else None,
            )
            for s in result.unused
        ),
    )
    _sheet(
        wb.create_sheet("说明"),
        ("项目", "内容"),
        (
            ("范围", result.scope_name),
            ("匹配方法", result.method),
            ("产业需求", len(result.needs)),
            ("技术供给", len(result.supply)),
            ("缺口", len(result.gaps)),
            ("未被需要的供给", len(result.unused)),
            ("较好答案", "供给覆盖需求关键词权重一半以上"),
        ),
    )
    return _bytes(wb)
