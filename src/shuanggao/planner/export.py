"""The plan as an Excel workbook for the decision meeting: 方案, 贪心对比, 高校容量, 说明."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from shuanggao.planner.affinity import WEIGHTS
from shuanggao.planner.schemas import PlanPair, PlanRead

_PAIR_HEADERS = (
    "高新区",
    "设区市",
    "高校",
    "高校所在市",
    "亲和度",
    "供需匹配",
    "产业—学科契合",
    "已有合作",
    "距离",
    "固定结对",
    "理由",
)


def _cell_text(value: str) -> str:
    """Text never starts a formula in a spreadsheet (=, +, -, @ are prefixed with ')."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _header(ws: Worksheet, headers: tuple[str, ...]) -> None:
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"


def _pairs(ws: Worksheet, pairs: list[PlanPair]) -> None:
    _header(ws, _PAIR_HEADERS)
    for p in pairs:
        s = p.signals
        ws.append(
            [
                _cell_text(p.zone_name),
                p.zone_city,
                _cell_text(p.university_name),
                p.university_city,
                p.affinity,
                s.matching,
                s.fit,
                s.cooperation,
                s.distance,
                "是" if p.fixed else "",
                _cell_text("；".join(p.reasons)),
            ]
        )
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["C"].width = 20
    ws.column_dimensions["K"].width = 80


def plan_workbook(plan: PlanRead) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "方案"
    _pairs(ws, plan.pairs)
    _pairs(wb.create_sheet("贪心对比"), plan.greedy_pairs)
    loads = wb.create_sheet("高校容量")
    _header(loads, ("高校", "已参与试点", "本方案新增", "容量"))
    for load in plan.loads:
        loads.append(
            [_cell_text(load.university_name), load.existing, load.proposed, load.capacity]
        )
    notes = wb.create_sheet("说明")
    p = plan.parameters
    rows: list[tuple[str, object]] = [
        ("截止日期", plan.as_of.isoformat()),
        ("规划目标（省级及以上高新区）", plan.target_total),
        ("目标来源", plan.target_source or ""),
        ("已登记", plan.registered),
        ("尚未登记", plan.unregistered),
        ("已结对", plan.paired),
        ("本方案需结对", plan.zones),
        ("本方案覆盖", plan.covered),
        ("总亲和度（优化）", plan.total_affinity),
        ("总亲和度（贪心）", plan.greedy_total_affinity),
        ("优化提高", plan.gain_over_greedy),
        ("每校容量（含已参与）", p.capacity),
        ("每区新增高校数", p.partners),
        ("单独容量", "；".join(f"{c.university_id}={c.capacity}" for c in p.capacities)),
        ("固定结对", "；".join(f"{f.zone_id}-{f.university_id}" for f in p.fixed)),
        ("匹配方式", plan.method),
        (
            "亲和度权重",
            "；".join(f"{k}={v}" for k, v in WEIGHTS.items()),
        ),
        ("求解", "整数规划（scipy.optimize.milp）使总亲和度最大；贪心：每次取剩余最高的一对"),
    ]
    _header(notes, ("项目", "内容"))
    for key, value in rows:
        notes.append([key, value])
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 80
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
