"""Demo conversion funds (one per pilot, the 五个一 fund) with investments, and funding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.demo import repository as demo_repo
from shuanggao.demo.context import DemoContext, Pilot, ensure
from shuanggao.demo.programme import fund_name

ORDER = 40
LABEL = "转化基金与合作经费"

WAN = Decimal(10_000)
# Sizes public pages give (江阴 1亿元 专项资金, 苏州高新区 1亿元 成果转化基金);
# the others are generated.
KNOWN_SIZES = {"江阴高新区": Decimal(100_000_000), "苏州高新区": Decimal(100_000_000)}
_PURPOSES = ("首期合作经费", "联合攻关经费", "平台建设经费", "人才培养经费", "成果转化配套经费")


def _fund(session: Session, actor: Actor, ctx: DemoContext, pilot: Pilot) -> tuple[int, int]:
    rng = ctx.rng(f"fund:{pilot.zone_name}")
    size = KNOWN_SIZES.get(pilot.zone_name, Decimal(rng.randint(5, 20)) * 1000 * WAN)
    established = ctx.day(rng, dt.date(2025, 8, 1), dt.date(2026, 3, 31))
    fund_id, created = ensure(
        session,
        actor,
        "conversion_funds",
        {
            "name": fund_name(pilot.zone_name),
            "zone_id": pilot.zone_id,
            "pairing_id": pilot.pairing_id,
            "size": size,
            "manager": f"{pilot.city.removesuffix('市')}高新科创投资管理有限公司",
            "established_date": established,
            "status": "investing",
            "capital_source": "高新区财政；结对高校；社会资本",
            "note": "演示数据",
        },
    )
    written = int(created)
    enterprises = demo_repo.demo_enterprises_of_zone(session, pilot.zone_id)
    budget = size * Decimal("0.6")
    for ent_id, ent_name in rng.sample(enterprises, k=min(len(enterprises), rng.randint(2, 4))):
        amount = Decimal(rng.randint(100, 2000)) * WAN
        day = ctx.day(rng, established)
        if amount > budget:
            continue
        budget -= amount
        _row, made = ensure(
            session,
            actor,
            "fund_investments",
            {
                "fund_id": fund_id,
                "investee_name": ent_name,
                "enterprise_id": ent_id,
                "amount": amount,
                "invest_date": day,
                "note": "演示数据",
            },
        )
        written += int(made)
    return fund_id, written


def _funding(session: Session, actor: Actor, ctx: DemoContext, pilot: Pilot) -> int:
    rng = ctx.rng(f"funding:{pilot.zone_name}")
    enterprises = demo_repo.demo_enterprises_of_zone(session, pilot.zone_id)
    projects = demo_repo.demo_projects_of_zone(session, pilot.zone_id)
    city = pilot.city.removesuffix("市")
    written = 0
    titles: set[str] = set()
    for _ in range(rng.randint(6, 9)):
        kind = rng.choice(("government", "zone", "enterprise", "enterprise", "university", "fund"))
        uni_id, uni_name = rng.choice(pilot.universities)
        payer = {
            "government": f"{city}市科学技术局",
            "zone": f"{pilot.zone_name}管委会",
            "enterprise": rng.choice(enterprises)[1] if enterprises else f"{city}市科学技术局",
            "university": uni_name,
            "fund": fund_name(pilot.zone_name),
        }[kind]
        if kind == "enterprise" and not enterprises:
            kind = "government"
        amount = Decimal(rng.randint(20, 800)) * WAN + Decimal(rng.choice((0, 0, 0, 50))) / 100
        day = ctx.day(rng)
        project = rng.choice(projects) if projects and rng.random() < 0.3 else None
        title = f"{payer}{rng.choice(_PURPOSES)}（{day.year}年{day.month}月）"
        if title in titles:
            continue
        titles.add(title)
        _row, created = ensure(
            session,
            actor,
            "fundings",
            {
                "title": title,
                "zone_id": pilot.zone_id,
                "university_id": uni_id,
                "pairing_id": pilot.pairing_id,
                "project_id": project[0] if project else None,
                "payer_kind": kind,
                "payer_name": payer,
                "amount": amount,
                "funding_date": day,
                "note": "演示数据",
            },
        )
        written += int(created)
    return written


def load_demo(session: Session, actor: Actor, ctx: DemoContext) -> int:
    written = 0
    for pilot in ctx.pilots(session):
        if pilot.pairing_id is None or not pilot.universities:
            continue
        ctx.step(f"{pilot.zone_name}：转化基金与合作经费")
        _fund_id, made = _fund(session, actor, ctx, pilot)
        written += made + _funding(session, actor, ctx, pilot)
    return written
