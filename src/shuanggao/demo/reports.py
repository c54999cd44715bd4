"""Demo reports: the article's programme figures as one approved report, and a few zone reports
in each state of the workflow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.demo.context import DemoContext, ensure
from shuanggao.demo.data import ARTICLE_NOTE, ARTICLE_REPORT, ARTICLE_TITLE
from shuanggao.kit.service import get_record
from shuanggao.reports import service
from shuanggao.reports.registers import reports
from shuanggao.reports.sources import DEFAULT_INDICATORS

ORDER = 90
LABEL = "填报"

# Zone-level reports for the second half of 2025: approved, submitted and draft.
ZONE_REPORTS = (
    ("江阴高新区", "approved"),
    ("南京建邺高新区", "submitted"),
    ("盐城环保高新区", "draft"),
)


# The periods the province asks pilots to report for, and when each is due.
PERIODS = (
    ("2025年下半年", dt.date(2025, 7, 1), dt.date(2025, 12, 31), dt.date(2026, 1, 31)),
    ("2026年第一季度", dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 30)),
    ("2026年第二季度", dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 31)),
    ("2026年第三季度", dt.date(2026, 7, 1), dt.date(2026, 9, 30), dt.date(2026, 10, 31)),
    ("2026年第四季度", dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2027, 1, 31)),
)


def _advance(session: Session, actor: Actor, report_id: int, status: str) -> None:
    if status in ("submitted", "approved"):
        version = get_record(session, actor, reports, report_id).version
        service.submit_report(
            session, actor, report_id, expected_version=version, comment="演示数据"
        )
    if status == "approved":
        version = get_record(session, actor, reports, report_id).version
        service.approve_report(
            session, actor, report_id, expected_version=version, comment="演示数据"
        )


def _indicators_and_periods(session: Session, actor: Actor) -> tuple[int, int | None]:
    """The province's indicators and periods; returns (rows written, id of 2025年下半年)."""
    written = 0
    for ind in DEFAULT_INDICATORS:
        _, made = ensure(
            session,
            actor,
            "report_indicators",
            {
                "code": ind.code,
                "label": ind.label,
                "unit": ind.unit,
                "is_money": ind.is_money,
                "source": ind.source,
                "position": ind.position,
                "note": "演示数据",
            },
        )
        written += int(made)
    first: int | None = None
    for title, start, end, due in PERIODS:
        period_id, made = ensure(
            session,
            actor,
            "report_periods",
            {"title": title, "period_start": start, "period_end": end, "due_date": due},
        )
        written += int(made)
        first = first or period_id
    return written, first


def load_demo(session: Session, actor: Actor, ctx: DemoContext) -> int:
    ctx.step("报道中的全省数字")
    facts = ARTICLE_REPORT
    report_id, created = ensure(
        session,
        actor,
        "reports",
        {
            "scope": "programme",
            "period_start": facts.period_start,
            "period_end": facts.period_end,
            "as_of_date": facts.as_of_date,
            **facts.figures,
            "qualifiers": facts.qualifiers,
            "figures_note": (
                "原文：截至2025年11月，18个试点高新区与37所试点高校已合作开展研发项目342个，"
                "落地共建产业创新平台58个，1000多名师生常驻园区，服务企业超560家，"
                "合作经费投入达7.5亿元；结成51个对子。"
            ),
            "source_date": facts.as_of_date,
            "note": f"演示数据；{ARTICLE_NOTE}。来源：{ARTICLE_TITLE}",
        },
    )
    written = int(created)
    if created:
        _advance(session, actor, report_id, "approved")
    ctx.step("填报指标与填报期")
    made_periods, _ = _indicators_and_periods(session, actor)
    written += made_periods

    pilots = {p.zone_name: p for p in ctx.pilots(session)}
    for zone_name, status in ZONE_REPORTS:
        pilot = pilots[zone_name]
        rng = ctx.rng(f"report:{zone_name}")
        ctx.step(f"{zone_name}：填报")
        row_id, made = ensure(
            session,
            actor,
            "reports",
            {
                "scope": "zone",
                "zone_id": pilot.zone_id,
                "period_start": dt.date(2025, 7, 1),
                "period_end": dt.date(2025, 12, 31),
                "as_of_date": dt.date(2025, 12, 31),
                "zones": 1,
                "universities": len(pilot.universities),
                "pairings": 1,
                "projects": rng.randint(15, 30),
                "platforms": rng.randint(3, 6),
                "residents": rng.randint(40, 90),
                "enterprises_served": rng.randint(25, 45),
                "funding_yuan": Decimal(rng.randint(1500, 4000)) * 10_000,
                "qualifiers": {"residents": "余"},
                "note": "演示数据",
            },
        )
        written += int(made)
        if made:
            _advance(session, actor, row_id, status)
    return written
