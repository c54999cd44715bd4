"""Demo data of the programme registers built in the pairings, enterprises, projects and platforms
packages: the article's pairs and facts first, then generated records for all 18 pilot zones.

Kept here (not in those packages) and listed with the others in ``loader.DEMO_MODULES``.
Real pairings loaded by ``shuanggao reference load`` are reused, never duplicated or changed: a
demo pairing is created only for a pilot zone that has none.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.demo import repository
from shuanggao.demo.context import DemoContext, Pilot, ensure
from shuanggao.demo.data import (
    ARTICLE_NOTE,
    CITY_CODES,
    COMPANY_SUFFIXES,
    DEMO_PAIRS,
    GIVEN,
    NAME_SYLLABLES,
    PILOT_ANNOUNCED,
    PLATFORM_PATTERNS,
    PROJECT_PATTERNS,
    SURNAMES,
)
from shuanggao.demo.errors import DemoPrerequisiteMissing
from shuanggao.enterprises.credit_code import make_credit_code

ORDER = 10
LABEL = "结对、五个一、企业、服务、项目、平台"

_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code(body8: str) -> str:
    """A 组织机构代码 (GB 11714-1997): 8 characters and their check character."""
    total = sum(_ORG_ALPHABET.index(ch) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def demo_credit_code(city: str, serial: int) -> str:
    """A valid 统一社会信用代码 for a demo enterprise (企业, 工商登记) of ``city``."""
    region = CITY_CODES.get(city, "320000")
    return make_credit_code(f"91{region}{organisation_code(f'MA{serial:06d}')}")


class _Writer:
    """Counts the rows ``ensure`` creates."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session, self.actor, self.written = session, actor, 0

    def ensure(self, register: str, values: dict[str, Any]) -> int:
        row_id, created = ensure(self.session, self.actor, register, values)
        self.written += int(created)
        return row_id


def _ensure_pairings(session: Session, ctx: DemoContext, out: _Writer) -> list[Pilot]:
    pilots = ctx.pilots(session)
    by_zone = {p.zone: p for p in DEMO_PAIRS}
    for pilot in pilots:
        if pilot.pairing_id is not None:
            continue
        pair = by_zone[pilot.zone_name]
        unis = repository.universities_by_name(session, list(pair.universities))
        missing = [u for u in pair.universities if u not in unis]
        if missing:
            raise DemoPrerequisiteMissing(
                "演示数据需要先载入参考数据（缺少高校：" + "、".join(missing) + "），"
                "请先运行 shuanggao reference load。"
            )
        out.ensure(
            "pairings",
            {
                "zone_id": pilot.zone_id,
                "batch": "pilot_2025",
                "start_date": PILOT_ANNOUNCED,
                "status": "active",
                "industry_direction": pair.industry_direction,
                "university_ids": [unis[u] for u in pair.universities],
                "note": ("演示数据；" + ARTICLE_NOTE) if pair.from_article else "演示数据",
            },
        )
    return ctx.pilots(session)


def _pilot(pilots: list[Pilot], zone: str) -> Pilot:
    return next(p for p in pilots if p.zone_name == zone)


def _pairing_for(pilot: Pilot, university_ids: list[int]) -> int | None:
    """The zone's pairing when every university is one of its members."""
    members = {uid for uid, _ in pilot.universities}
    return pilot.pairing_id if set(university_ids) <= members else None


def _article_facts(session: Session, pilots: list[Pilot], out: _Writer) -> None:
    """What the article names: 江阴 × 无锡学院, 南京建邺 × 南京工程学院, the 盐城 carriers."""
    names = ["无锡学院", "南京工程学院", "南京大学", "盐城工学院", "盐城师范学院"]
    unis = repository.universities_by_name(session, names)
    missing = [n for n in names if n not in unis]
    if missing:
        raise DemoPrerequisiteMissing(
            "演示数据需要先载入参考数据（缺少高校：" + "、".join(missing) + "），"
            "请先运行 shuanggao reference load。"
        )
    jiangyin = _pilot(pilots, "江阴高新区")
    jianye = _pilot(pilots, "南京建邺高新区")
    yancheng = _pilot(pilots, "盐城环保高新区")

    chengce = out.ensure(
        "enterprises",
        {
            "name": "江苏澄测科技有限公司",
            "credit_code": demo_credit_code(jiangyin.city, 990001),
            "zone_id": jiangyin.zone_id,
            "industry_code": "M7452",
            "is_high_tech": True,
            "note": "演示数据（统一社会信用代码为生成）；" + ARTICLE_NOTE,
        },
    )
    linyang = out.ensure(
        "enterprises",
        {
            "name": "江苏林洋储能技术有限公司",
            "credit_code": demo_credit_code(jianye.city, 990002),
            "zone_id": jianye.zone_id,
            "industry_code": "C3841",
            "is_high_tech": True,
            "note": "演示数据（统一社会信用代码为生成）；" + ARTICLE_NOTE,
        },
    )
    wxu, njit = unis["无锡学院"], unis["南京工程学院"]
    out.ensure(
        "platforms",
        {
            "name": "无锡学院集成电路测试联合实验室",
            "zone_id": jiangyin.zone_id,
            "pairing_id": _pairing_for(jiangyin, [wxu]),
            "kind": "joint_lab",
            "established_date": dt.date(2025, 8, 15),
            "industry_direction": "集成电路测试",
            "industry_codes": ["C3973"],
            "task_area": "key_core_technology",
            "description": "江苏澄测科技有限公司工程师朱家俊与无锡学院电子信息工程学院院长"
            "李松斌在此商讨新一轮芯片测试方案。",
            "university_ids": [wxu],
            "note": "演示数据；" + ARTICLE_NOTE,
        },
    )
    # Formed after the 建邺 对接会: an innovation consortium (创新联合体), not a platform.
    out.ensure(
        "consortia",
        {
            "name": "新型储能系统创新联合体",
            "zone_id": jianye.zone_id,
            "lead_enterprise_id": linyang,
            "university_ids": [njit],
            "industry_codes": ["C3841"],
            "chain_codes": ["储能电池", "储能系统安全预测与预警"],
            "agreement_date": dt.date(2025, 8, 10),
            "description": "江苏林洋储能技术有限公司牵头，与南京工程学院教师彭纪昌团队在"
            "对接会后组建，围绕锂电池储能系统安全预测与预警联合攻关。",
            "note": "演示数据；" + ARTICLE_NOTE,
        },
    )
    carriers = (
        ("南京大学盐城集萃研究生院", "南京大学", "graduate_workstation"),
        ("盐城工学院环保产业学院", "盐城工学院", "industry_college"),
        ("盐城师范学院绿色低碳学院", "盐城师范学院", "industry_college"),
    )
    for name, uni, kind in carriers:
        out.ensure(
            "platforms",
            {
                "name": name,
                "zone_id": yancheng.zone_id,
                "pairing_id": _pairing_for(yancheng, [unis[uni]]),
                "kind": kind,
                "established_date": dt.date(2025, 9, 1),
                "industry_direction": "环保与绿色低碳人才培养",
                "task_area": "industry_education_talent",
                "university_ids": [unis[uni]],
                "note": "演示数据；" + ARTICLE_NOTE,
            },
        )
    if yancheng.pairing_id is not None:
        out.ensure(
            "pilot_elements",
            {
                "pairing_id": yancheng.pairing_id,
                "kind": "platform",
                "title": "“三院”人才培养载体",
                "status": "landed",
                "owner": "盐城环保高新区科技人才局",
                "evidence": "通过南京大学盐城集萃研究生院、盐城工学院环保产业学院、"
                "盐城师范学院绿色低碳学院等载体，培养产业人才200余名。",
                "status_date": dt.date(2025, 11, 30),
                "note": "演示数据；" + ARTICLE_NOTE,
            },
        )
    projects = (
        (
            jiangyin,
            wxu,
            chengce,
            "新一轮芯片测试方案联合研发",
            "李松斌",
            "朱家俊",
            dt.date(2025, 8, 15),
            "C3973",
        ),
        (
            jianye,
            njit,
            linyang,
            "锂电池储能系统安全预测与预警",
            "彭纪昌",
            "陈钊",
            dt.date(2025, 7, 25),
            "C3841",
        ),
    )
    for pilot, uni_id, ent, title, uni_lead, ent_lead, start, _code in projects:
        out.ensure(
            "projects",
            {
                "title": title,
                "zone_id": pilot.zone_id,
                "university_id": uni_id,
                "pairing_id": _pairing_for(pilot, [uni_id]),
                "task_area": "key_core_technology",
                "kind": "joint_research",
                "start_date": start,
                "status": "ongoing",
                "is_benchmark": True,
                "university_leader": uni_lead,
                "enterprise_leader": ent_lead,
                "enterprise_ids": [ent],
                "note": "演示数据；" + ARTICLE_NOTE,
            },
        )
    services = (
        (
            jiangyin,
            chengce,
            wxu,
            dt.date(2025, 11, 20),
            "testing",
            "在集成电路测试联合实验室商讨新一轮芯片测试方案细节。",
        ),
        (
            jianye,
            linyang,
            njit,
            dt.date(2025, 7, 18),
            "consulting",
            "南京建邺高新区“双高协同”校企对接会：锂电池储能系统安全预测与预警需求，当场达成合作意向。",
        ),
    )
    for pilot, ent, uni_id, day, kind, text in services:
        out.ensure(
            "enterprise_services",
            {
                "enterprise_id": ent,
                "zone_id": pilot.zone_id,
                "university_id": uni_id,
                "pairing_id": _pairing_for(pilot, [uni_id]),
                "service_date": day,
                "kind": kind,
                "description": text,
                "task_area": "achievement_transfer",
                "note": "演示数据；" + ARTICLE_NOTE,
            },
        )


_SERVICE_KINDS = ("consulting", "development", "testing", "training", "transfer")
_TASK_AREAS = (
    "new_quality_transformation",
    "key_core_technology",
    "achievement_transfer",
    "industry_education_talent",
    "resource_sharing",
)
_PROJECT_KINDS = ("joint_research", "commissioned", "transfer", "technical_service")
_INDUSTRY_CODES = ("C3973", "C3841", "C3562", "C2710", "I6513", "C3511", "N7724", "C3434")


def _enterprises(ctx: DemoContext, pilot: Pilot, index: int, out: _Writer) -> list[tuple[int, str]]:
    rng = ctx.rng(f"enterprises:{pilot.zone_name}")
    made: list[tuple[int, str]] = []
    names: set[str] = set()
    city = pilot.city.removesuffix("市")
    for i in range(rng.randint(12, 16)):
        word = rng.choice(pilot.words)
        name = f"{city}{rng.choice(NAME_SYLLABLES)}{rng.choice(NAME_SYLLABLES)}{word}" + (
            f"{rng.choice(COMPANY_SUFFIXES)}有限公司"
        )
        is_high_tech = rng.random() < 0.4
        code = rng.choice(_INDUSTRY_CODES)
        contact = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        if name in names:
            continue
        names.add(name)
        row_id = out.ensure(
            "enterprises",
            {
                "name": name,
                "credit_code": demo_credit_code(pilot.city, index * 1000 + i + 1),
                "zone_id": pilot.zone_id,
                "industry_code": code,
                "is_high_tech": is_high_tech,
                "contact_person": contact,
                "note": "演示数据",
            },
        )
        made.append((row_id, name))
    return made


def _services(
    ctx: DemoContext, pilot: Pilot, enterprises: list[tuple[int, str]], out: _Writer
) -> None:
    for ent_id, name in enterprises:
        rng = ctx.rng(f"services:{pilot.zone_name}:{name}")
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            uni_id, uni_name = rng.choice(pilot.universities)
            kind = rng.choice(_SERVICE_KINDS)
            day = ctx.day(rng)
            area = rng.choice(_TASK_AREAS)
            out.ensure(
                "enterprise_services",
                {
                    "enterprise_id": ent_id,
                    "zone_id": pilot.zone_id,
                    "university_id": uni_id,
                    "pairing_id": pilot.pairing_id,
                    "service_date": day,
                    "kind": kind,
                    "description": f"{uni_name}为{name}提供{rng.choice(pilot.topics)}方面的服务。",
                    "task_area": area,
                    "note": "演示数据",
                },
            )


def _projects(
    ctx: DemoContext, pilot: Pilot, enterprises: list[tuple[int, str]], out: _Writer
) -> None:
    rng = ctx.rng(f"projects:{pilot.zone_name}")
    titles: set[str] = set()
    for _ in range(rng.randint(8, 12)):
        pattern = rng.choice(PROJECT_PATTERNS)
        title = pattern.format(topic=rng.choice(pilot.topics), word=rng.choice(pilot.words))
        uni_id, uni_name = rng.choice(pilot.universities)
        start = ctx.day(rng)
        end = start + dt.timedelta(days=rng.randint(365, 3 * 365))
        budget = Decimal(rng.randint(20, 800) * 10000)
        partners = sorted(
            {e for e, _ in rng.sample(enterprises, k=min(len(enterprises), rng.randint(1, 2)))}
        )
        benchmark = rng.random() < 0.15
        leader = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        kind = rng.choice(_PROJECT_KINDS)
        area = rng.choice(_TASK_AREAS)
        if title in titles:
            continue
        titles.add(title)
        out.ensure(
            "projects",
            {
                "title": title,
                "zone_id": pilot.zone_id,
                "university_id": uni_id,
                "pairing_id": pilot.pairing_id,
                "task_area": area,
                "kind": kind,
                "start_date": start,
                "end_date": end,
                "budget": budget,
                "status": "completed" if end <= ctx.end else "ongoing",
                "is_benchmark": benchmark,
                "university_leader": leader,
                "enterprise_ids": partners,
                "description": f"{uni_name}与{pilot.zone_name}企业合作开展{title}。",
                "note": "演示数据",
            },
        )


def _platforms(ctx: DemoContext, pilot: Pilot, out: _Writer) -> list[str]:
    rng = ctx.rng(f"platforms:{pilot.zone_name}")
    names: list[str] = []
    for _ in range(rng.randint(2, 3)):
        pattern, kind = rng.choice(PLATFORM_PATTERNS)
        name = pattern.format(topic=rng.choice(pilot.topics), word=rng.choice(pilot.words))
        count = rng.randint(1, len(pilot.universities))
        members = sorted(uid for uid, _ in rng.sample(pilot.universities, k=count))
        day = ctx.day(rng)
        instruments = rng.randint(0, 40)
        level = rng.choice(("provincial", "municipal", "district", "university"))
        if name in names:
            continue
        names.append(name)
        out.ensure(
            "platforms",
            {
                "name": name,
                "zone_id": pilot.zone_id,
                "pairing_id": pilot.pairing_id,
                "kind": kind,
                "level": level,
                "established_date": day,
                "industry_direction": "、".join(pilot.words),
                "task_area": "resource_sharing" if instruments else "key_core_technology",
                "shared_instruments": instruments,
                "university_ids": members,
                "note": "演示数据",
            },
        )
    return names


def fund_name(zone_name: str) -> str:
    """The demo conversion fund of a zone (shared with ``shuanggao.demo.funds``)."""
    return f"{zone_name}“双高协同”成果转化基金"


def _board(ctx: DemoContext, pilot: Pilot, platforms: list[str], out: _Writer) -> None:
    """The 五个一 board of the zone's pairing, one item per slot."""
    assert pilot.pairing_id is not None
    rng = ctx.rng(f"board:{pilot.zone_name}")
    talent_uni = rng.choice(pilot.universities)[1]
    talent = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
    items = (
        ("industry_direction", f"产业方向：{'、'.join(pilot.words)}"),
        ("platform", platforms[0] if platforms else f"{pilot.zone_name}协同创新中心"),
        ("leading_talent", f"领军人才：{talent}（{talent_uni}）"),
        ("conversion_fund", fund_name(pilot.zone_name)),
        ("benchmark_projects", f"{rng.choice(pilot.topics)}标杆项目培育"),
    )
    for kind, title in items:
        status = rng.choice(("not_started", "in_progress", "in_progress", "landed", "landed"))
        day = ctx.day(rng) if status != "not_started" else None
        out.ensure(
            "pilot_elements",
            {
                "pairing_id": pilot.pairing_id,
                "kind": kind,
                "title": title,
                "status": status,
                "owner": pilot.zone_name if kind != "leading_talent" else talent_uni,
                "status_date": day,
                "note": "演示数据",
            },
        )


def load_demo(session: Session, actor: Actor, ctx: DemoContext) -> int:
    out = _Writer(session, actor)
    ctx.step("结对")
    pilots = _ensure_pairings(session, ctx, out)
    ctx.step("报道中的结对与事例")
    _article_facts(session, pilots, out)
    for index, pilot in enumerate(pilots, start=1):
        if pilot.pairing_id is None or not pilot.universities:
            continue
        ctx.step(f"{pilot.zone_name}：企业、服务、项目、平台")
        enterprises = _enterprises(ctx, pilot, index, out)
        _services(ctx, pilot, enterprises, out)
        _projects(ctx, pilot, enterprises, out)
        platforms = _platforms(ctx, pilot, out)
        _board(ctx, pilot, platforms, out)
    return out.written
