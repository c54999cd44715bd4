"""The briefing laid out once as blocks (headings, paragraphs, tables, charts) that each writer
(.docx, .pdf, .xlsx) renders the same way, so the three files say the same thing.

Table cells keep their values (int, Decimal, date, text): the .xlsx stores numbers as numbers;
the .docx and the PDF print them with ``cell_text``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from shuanggao.briefing import charts
from shuanggao.briefing.fonts import BriefingFonts
from shuanggao.briefing.service import Briefing
from shuanggao.programme.enums import FiveOneKind
from shuanggao.reports.service import Figure

Cell = str | int | Decimal | dt.date | None
MONEY_FIGURES = frozenset({"funding_yuan"})
# The figure table of section 一: its sheet and caption; tests read it back by this name.
FIGURES_TABLE = "数说双高协同"
NUMERALS = "一二三四五六七八九十"
ISSUER = "双高协同平台"


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    name: str  # sheet name in the .xlsx, caption elsewhere
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    money_columns: frozenset[int] = frozenset()
    money_cells: frozenset[tuple[int, int]] = frozenset()  # (row, column)

    def is_money(self, row: int, column: int) -> bool:
        return column in self.money_columns or (row, column) in self.money_cells

    def text(self, row: int, column: int) -> str:
        return cell_text(self.rows[row][column], money=self.is_money(row, column))


@dataclass(frozen=True)
class Chart:
    caption: str
    png: bytes


Block = Heading | Paragraph | Table | Chart


@dataclass
class Layout:
    title: str
    subtitle: str
    issuer: str
    signed: str  # 成文日期, e.g. 2025年11月30日
    blocks: list[Block] = field(default_factory=list)


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cell_text(value: Cell, *, money: bool = False) -> str:
    """How a cell prints: thousands separators, money in 元 with two decimals, ISO dates."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}" if money else f"{value.normalize():,f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _source(fig: Figure) -> str:
    if fig.source == "reports":
        day = fig.report_as_of.isoformat() if fig.report_as_of else ""
        return f"填报#{fig.report_id}（{day}）"
    return "登记记录"


def figures_table(briefing: Briefing) -> Table:
    rows: list[list[Cell]] = []
    for fig in briefing.stats.figures.values():
        rows.append(
            [
                fig.label.removesuffix("（元）"),
                fig.value,
                fig.unit,
                fig.qualifier or "",
                _source(fig),
                fig.records,
            ]
        )
    money = [i for i, f in enumerate(briefing.stats.figures.values()) if f.name in MONEY_FIGURES]
    return Table(
        FIGURES_TABLE,
        ["指标", "数值", "单位", "修饰", "来源", "登记记录合计"],
        rows,
        money_cells=frozenset((r, c) for r in money for c in (1, 5)),
    )


def _summary(briefing: Briefing) -> str:
    f = briefing.stats.figures
    parts = []
    for name in ("zones", "universities", "pairings", "projects", "platforms"):
        if name in f:
            fig = f[name]
            parts.append(f"{fig.label}{cell_text(fig.value)}{fig.unit}")
    text = f"截至{cn_date(briefing.as_of)}，{briefing.scope_name}" + "，".join(parts)
    if "funding_yuan" in f:
        text += f"，合作经费投入{cell_text(f['funding_yuan'].value, money=True)}元"
    return text + "。数值取截至该日最新的已审核填报，无填报的指标按登记记录统计。"


def _pilots(briefing: Briefing) -> Table:
    names = ("pairings", "projects", "platforms", "residents", "enterprises_served", "funding_yuan")
    rows: list[list[Cell]] = []
    for row in briefing.pilots:
        rows.append([row.zone_name, row.city, *(row.figures[n].value for n in names)])
    return Table(
        "试点推进情况",
        [
            "高新区",
            "所在市",
            "结对高校",
            "合作研发项目",
            "共建平台",
            "常驻师生",
            "服务企业",
            "合作经费（元）",
        ],
        rows,
        money_columns=frozenset({7}),
    )


def _five_ones(briefing: Briefing) -> Table:
    rows: list[list[Cell]] = []
    for rank, p in enumerate(briefing.five_ones, start=1):
        rows.append(
            [
                rank,
                p.zone_name,
                "、".join(p.universities),
                *(s.status_label for s in p.slots),
                p.completeness,
                len(p.stalled),
            ]
        )
    return Table(
        "五个一完成度",
        ["排名", "高新区", "结对高校", *(k.label for k in FiveOneKind), "完成度（%）", "停滞事项"],
        rows,
    )


def _task_areas(briefing: Briefing) -> Table:
    return Table(
        "六大任务推进",
        ["任务方向", "合作研发项目", "共建平台", "企业服务", "涉及高新区"],
        [[a.label, a.projects, a.platforms, a.services, a.pilots] for a in briefing.task_areas],
    )


def _lagging(briefing: Briefing) -> Table:
    return Table(
        "滞后事项",
        ["高新区", "类别", "事项", "状态", "最近变化", "停滞天数"],
        [
            [n.zone_name, n.kind_label, n.title, n.status_label, n.last_change, n.days]
            for n in briefing.lagging
        ],
    )


def _evidence(briefing: Briefing) -> Table:
    notes = sorted(
        (n for p in briefing.five_ones for n in p.evidence),
        key=lambda n: n.last_change or dt.date.min,
        reverse=True,
    )[:10]
    return Table(
        "五个一佐证",
        ["高新区", "类别", "事项", "状态", "日期", "佐证"],
        [
            [n.zone_name, n.kind_label, n.title, n.status_label, n.last_change, n.evidence]
            for n in notes
        ],
    )


def build_layout(briefing: Briefing, fonts: BriefingFonts) -> Layout:
    layout = Layout(
        title=briefing.title,
        subtitle=f"{briefing.scope_name} · 数据截至{cn_date(briefing.as_of)}",
        issuer=ISSUER,
        signed=cn_date(briefing.as_of),
    )
    add = layout.blocks.append
    section = iter(NUMERALS)

    def heading(text: str) -> None:
        add(Heading(f"{next(section)}、{text}"))

    heading("数说双高协同")
    add(Paragraph(_summary(briefing)))
    add(figures_table(briefing))

    if briefing.pilots:
        heading("试点推进情况")
        add(_pilots(briefing))

    heading("“五个一”完成度")
    if briefing.five_ones:
        ranked = briefing.five_ones
        best, worst = ranked[0], ranked[-1]
        add(
            Paragraph(
                f"纳入统计的结对{len(ranked)}个。完成度最高的是{best.zone_name}"
                f"（{best.completeness}%），最低的是{worst.zone_name}（{worst.completeness}%）；"
                f"已落地即计满分，推进中计一半。"
            )
        )
        add(
            Chart(
                "图1 各试点“五个一”完成度（%）",
                charts.bar_chart(
                    "各试点“五个一”完成度",
                    [p.zone_name for p in ranked],
                    [charts.Series("完成度", [float(p.completeness) for p in ranked])],
                    fonts.body,
                    maximum=100.0,
                    unit="%",
                ),
            )
        )
        add(_five_ones(briefing))
        add(_evidence(briefing))
    else:
        add(Paragraph("截至该日没有可统计的结对。"))

    heading("六大任务推进")
    add(
        Chart(
            "图2 六大任务方向的项目、平台与企业服务",
            charts.bar_chart(
                "六大任务方向记录数",
                [a.label for a in briefing.task_areas],
                [
                    charts.Series("合作研发项目", [float(a.projects) for a in briefing.task_areas]),
                    charts.Series("共建平台", [float(a.platforms) for a in briefing.task_areas]),
                    charts.Series("企业服务", [float(a.services) for a in briefing.task_areas]),
                ],
                fonts.body,
            ),
        )
    )
    add(_task_areas(briefing))

    if briefing.coverage is not None:
        c = briefing.coverage
        heading("结对覆盖")
        add(
            Paragraph(
                f"全省省级以上高新区{c.zones_total}家，已结对{c.zones_paired}家，覆盖率"
                f"{c.coverage_percent}%；距{c.target_year}年底全覆盖还有{c.zones_unpaired}家，"
                f"平均每年需新增{c.needed_per_year}家。"
            )
        )
        add(
            Table(
                "分市覆盖",
                ["设区市", "省级以上高新区", "已结对", "未结对"],
                [[g.key, g.total, g.paired, g.unpaired] for g in c.by_city],
            )
        )

    heading("滞后事项")
    add(
        Paragraph(
            f"未落地且{briefing.stalled_days}天以上无进展的“五个一”事项"
            f"{sum(len(p.stalled) for p in briefing.five_ones)}项，按停滞时间列出前"
            f"{len(briefing.lagging)}项，请相关单位在调度会前说明进展。"
        )
    )
    add(_lagging(briefing))

    heading("典型案例与供需匹配")
    add(
        Table(
            "标杆项目",
            ["项目", "高新区", "高校", "开始日期", "状态"],
            [[c.title, c.zone, c.university, c.start_date, c.status] for c in briefing.cases],
        )
    )
    add(
        Table(
            "供需匹配",
            ["需求", "高新区", "技术供给", "高校", "综合得分", "状态"],
            [
                [m.demand, m.zone, m.supply, m.university, f"{m.score:.3f}", m.state_label]
                for m in briefing.top_matches
            ],
        )
    )

    if briefing.funnel:
        heading("合作对接漏斗")
        first, last = briefing.funnel[0], briefing.funnel[-1]
        add(
            Paragraph(
                f"截至{cn_date(briefing.as_of)}，达成合作意向{first.reached}项，"
                f"其中{last.reached}项已{last.label}。转化率为到达本阶段的数量占上一阶段的比例。"
            )
        )
        add(
            Table(
                "合作对接漏斗",
                ["阶段", "到达数", "转化率（%）", "距上一阶段中位天数", "在此阶段终止"],
                [
                    [
                        stage.label,
                        stage.reached,
                        None
                        if stage.conversion is None
                        else Decimal(str(stage.conversion * 100)).quantize(Decimal("0.1")),
                        None
                        if stage.median_days is None
                        else Decimal(str(stage.median_days)).quantize(Decimal("0.1")),
                        stage.declined_here,
                    ]
                    for stage in briefing.funnel
                ],
            )
        )
    return layout
