"""Typed factory functions: ``create_x(session, **overrides) -> X``. They flush, never commit."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.universities.models import University
from shuanggao.zones.models import Zone

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def create_zone(session: Session, **overrides: Any) -> Zone:
    n = _n()
    values: dict[str, Any] = {
        "name": f"测试高新区{n}",
        "full_name": f"测试高新技术产业开发区{n}",
        "level": "national",
        "city": "南京市",
        "industry_codes": [],
        "emerging_codes": [],
    }
    values.update(overrides)
    zone = Zone(**values)
    session.add(zone)
    session.flush()
    return zone


def create_university(session: Session, **overrides: Any) -> University:
    n = _n()
    values: dict[str, Any] = {
        "code": f"41320{n:05d}",
        "name": f"测试大学{n}",
        "city": "南京市",
        "authority": "江苏省",
        "level": "undergraduate",
        "discipline_codes": [],
    }
    values.update(overrides)
    uni = University(**values)
    session.add(uni)
    session.flush()
    return uni


# --- supply, demand, matches (issue 3) ---------------------------------------------------------


def make_test_credit_code(n: int) -> str:
    """A valid 统一社会信用代码 derived from ``n``."""
    from shuanggao.enterprises.credit_code import make_credit_code

    return make_credit_code(f"91320000{n:09d}")


def create_demand_enterprise(session: Session, zone: Zone | None = None, **overrides: Any) -> Any:
    """An enterprise for demand tests (in ``zone``, a new zone by default)."""
    from shuanggao.enterprises.models import Enterprise

    n = _n()
    zone = zone or create_zone(session)
    values: dict[str, Any] = {
        "name": f"测试企业{n}有限公司",
        "credit_code": make_test_credit_code(900000 + n),
        "zone_id": zone.id,
    }
    values.update(overrides)
    enterprise = Enterprise(**values)
    session.add(enterprise)
    session.flush()
    return enterprise


def pair_zone_with(
    session: Session, zone: Zone, *universities: University, **overrides: Any
) -> Any:
    """A pairing of ``zone`` with ``universities`` (the first is the lead)."""
    from shuanggao.pairings.models import Pairing, PairingUniversity

    values: dict[str, Any] = {"zone_id": zone.id, "batch": "pilot_2025", "status": "active"}
    values.update(overrides)
    pairing = Pairing(**values)
    session.add(pairing)
    session.flush()
    for pos, uni in enumerate(universities):
        session.add(
            PairingUniversity(
                pairing_id=pairing.id, university_id=uni.id, is_lead=pos == 0, position=pos
            )
        )
    session.flush()
    return pairing


def create_supply_item(
    session: Session, university: University | None = None, **overrides: Any
) -> Any:
    from shuanggao.supply.models import SupplyItem

    n = _n()
    university = university or create_university(session)
    values: dict[str, Any] = {
        "kind": "achievement",
        "university_id": university.id,
        "title": f"测试科技成果{n}",
        "abstract": "",
        "keywords": [],
        "discipline_codes": [],
        "industry_codes": [],
        "patent_numbers": [],
        "transfer_modes": [],
        "is_public": True,
    }
    values.update(overrides)
    item = SupplyItem(**values)
    session.add(item)
    session.flush()
    return item


def create_demand(session: Session, enterprise: Any = None, **overrides: Any) -> Any:
    from shuanggao.demand.models import Demand

    n = _n()
    enterprise = enterprise or create_demand_enterprise(session)
    values: dict[str, Any] = {
        "enterprise_id": enterprise.id,
        "zone_id": enterprise.zone_id,
        "title": f"测试需求{n}",
        "description": "",
        "keywords": [],
        "cooperation_mode": "development",
        "visibility": "public",
        "triage_state": "pending",
    }
    values.update(overrides)
    demand = Demand(**values)
    session.add(demand)
    session.flush()
    return demand


# --- accounts (issue 4) --------------------------------------------------------------------------

TEST_PASSWORD = "Kx7-梧桐-lantern-42"
_HASHES: dict[str, str] = {}


def _password_hash(password: str) -> str:
    """argon2 is deliberately slow: hash each test password once per test run."""
    from shuanggao.accounts import passwords

    if password not in _HASHES:
        _HASHES[password] = passwords.hash_password(password)
    return _HASHES[password]


def give_consent(session: Session, user: Any, purpose: str, granted: bool = True) -> Any:
    """A standing consent decision of ``user`` for ``purpose`` (``personal.PROFILE_TO_ENTERPRISES``,
    ``personal.PRACTICE_TO_MENTOR``), as ``accounts.consent.set_purpose`` records it."""
    from shuanggao import personal
    from shuanggao.accounts.core import NOTICE_VERSION
    from shuanggao.accounts.models import ConsentRecord
    from shuanggao.db.types import utcnow

    row = ConsentRecord(
        user_id=user.id,
        purpose=purpose,
        notice_version=NOTICE_VERSION,
        granted=granted,
        at=utcnow(),
    )
    session.add(row)
    session.flush()
    personal.forget_consents(session)
    return row


def create_user(
    session: Session,
    role: Any = "province_admin",
    *,
    password: str = TEST_PASSWORD,
    **overrides: Any,
) -> Any:
    """A user with a real argon2 hash of ``password``, bound to a new tenant when the role needs
    one. ``totp_secret=...`` enrols TOTP; ``is_demo=True`` exempts an administrator from the
    mandatory TOTP enrolment (as demo accounts are). The user has accepted the current
    personal-information notice unless ``privacy_notice_version=None`` is given (first sign-in)."""
    from shuanggao.accounts import crypto
    from shuanggao.accounts.core import NOTICE_VERSION
    from shuanggao.accounts.models import User
    from shuanggao.actor import ROLE_TENANT, Role

    role = Role(role)
    n = _n()
    totp_secret = overrides.pop("totp_secret", None)
    secret_key = overrides.pop("secret_key", "test-secret-key-" + "x" * 32)
    values: dict[str, Any] = {
        "username": f"user{n}",
        "display_name": f"测试用户{n}",
        "role": role.value,
        "password_hash": _password_hash(password),
        "is_active": True,
        "failed_count": 0,
        "must_change_password": False,
        "privacy_notice_version": NOTICE_VERSION,
    }
    kind = ROLE_TENANT[role]
    if kind == "zone" and "zone_id" not in overrides:
        values["zone_id"] = create_zone(session).id
    if kind == "university" and "university_id" not in overrides:
        values["university_id"] = create_university(session).id
    if kind == "enterprise" and "enterprise_id" not in overrides:
        values["enterprise_id"] = create_demand_enterprise(session).id
    values.update(overrides)
    if totp_secret is not None:
        values["totp_secret_enc"] = crypto.seal(secret_key, "totp-secret", totp_secret)
        values["totp_enabled"] = True
    user = User(**values)
    session.add(user)
    session.flush()
    return user


# --- pairings, enterprises, projects, platforms (R1) -------------------------------------------
# Imports are local so this section loads even while other domains are being written.


def valid_credit_code(n: int) -> str:
    """A 统一社会信用代码 that passes the GB 32100-2015 check (region 320100, body from ``n``)."""
    from shuanggao.enterprises.credit_code import make_credit_code

    return make_credit_code(f"91320100{n:09d}")


def create_pairing(
    session: Session,
    zone: Zone | None = None,
    universities: list[University] | None = None,
    **overrides: Any,
) -> Any:
    """A pairing of ``zone`` (new by default) with ``universities`` (one new by default; the first
    is the lead). Returned with zone and members loaded, as the register reads it."""
    from shuanggao.pairings import repository as pairing_repo
    from shuanggao.pairings.models import Pairing, PairingUniversity

    zone = zone or create_zone(session)
    universities = universities if universities is not None else [create_university(session)]
    values: dict[str, Any] = {
        "zone_id": zone.id,
        "batch": "pilot_2025",
        "status": "active",
        "industry_codes": [],
        "emerging_codes": [],
    }
    values.update(overrides)
    pairing = Pairing(**values)
    session.add(pairing)
    session.flush()
    for pos, uni in enumerate(universities):
        session.add(
            PairingUniversity(
                pairing_id=pairing.id, university_id=uni.id, is_lead=pos == 0, position=pos
            )
        )
    session.flush()
    session.expire(pairing)
    loaded = pairing_repo.get_pairing(session, pairing.id)
    assert loaded is not None
    return loaded


def create_pilot_element(session: Session, pairing: Any = None, **overrides: Any) -> Any:
    from shuanggao.pairings.models import PilotElement

    n = _n()
    pairing = pairing or create_pairing(session)
    values: dict[str, Any] = {
        "pairing_id": pairing.id,
        "kind": "platform",
        "title": f"测试事项{n}",
        "status": "in_progress",
    }
    values.update(overrides)
    element = PilotElement(**values)
    session.add(element)
    session.flush()
    return element


def create_enterprise(session: Session, zone: Zone | None = None, **overrides: Any) -> Any:
    from shuanggao.enterprises.models import Enterprise

    n = _n()
    zone = zone or create_zone(session)
    values: dict[str, Any] = {
        "name": f"测试科技{n}有限公司",
        "credit_code": valid_credit_code(n),
        "zone_id": zone.id,
        "industry_code": "C3841",
    }
    values.update(overrides)
    enterprise = Enterprise(**values)
    session.add(enterprise)
    session.flush()
    return enterprise


def create_enterprise_service(
    session: Session,
    enterprise: Any = None,
    university: University | None = None,
    **overrides: Any,
) -> Any:
    import datetime as dt

    from shuanggao.enterprises.models import EnterpriseService

    enterprise = enterprise or create_enterprise(session)
    university = university or create_university(session)
    values: dict[str, Any] = {
        "enterprise_id": enterprise.id,
        "zone_id": enterprise.zone_id,
        "university_id": university.id,
        "service_date": dt.date(2025, 10, 1),
        "kind": "consulting",
    }
    values.update(overrides)
    service = EnterpriseService(**values)
    session.add(service)
    session.flush()
    return service


def create_project(
    session: Session,
    zone: Zone | None = None,
    university: University | None = None,
    enterprises: list[Any] | None = None,
    **overrides: Any,
) -> Any:
    from shuanggao.projects.models import Project, ProjectEnterprise

    n = _n()
    zone = zone or create_zone(session)
    university = university or create_university(session)
    values: dict[str, Any] = {
        "title": f"测试合作项目{n}",
        "zone_id": zone.id,
        "university_id": university.id,
        "kind": "joint_research",
        "status": "ongoing",
    }
    values.update(overrides)
    project = Project(**values)
    session.add(project)
    session.flush()
    for enterprise in enterprises or []:
        session.add(ProjectEnterprise(project_id=project.id, enterprise_id=enterprise.id))
    session.flush()
    return project


def create_platform(
    session: Session,
    zone: Zone | None = None,
    universities: list[University] | None = None,
    **overrides: Any,
) -> Any:
    from shuanggao.platforms.models import Platform, PlatformUniversity

    n = _n()
    zone = zone or create_zone(session)
    universities = universities if universities is not None else [create_university(session)]
    values: dict[str, Any] = {
        "name": f"测试联合实验室{n}",
        "zone_id": zone.id,
        "kind": "joint_lab",
        "industry_codes": [],
    }
    values.update(overrides)
    platform = Platform(**values)
    session.add(platform)
    session.flush()
    for pos, uni in enumerate(universities):
        session.add(PlatformUniversity(platform_id=platform.id, university_id=uni.id, position=pos))
    session.flush()
    return platform


# --- talent, funds, reports (R2) ----------------------------------------------------------------


def create_resident(
    session: Session,
    zone: Zone | None = None,
    university: University | None = None,
    **overrides: Any,
) -> Any:
    import datetime as dt

    from shuanggao.talent.models import Resident

    n = _n()
    zone = zone or create_zone(session)
    university = university or create_university(session)
    values: dict[str, Any] = {
        "person_name": f"驻园人员{n}",
        "kind": "teacher",
        "zone_id": zone.id,
        "university_id": university.id,
        "from_date": dt.date(2025, 9, 1),
    }
    values.update(overrides)
    resident = Resident(**values)
    session.add(resident)
    session.flush()
    return resident


def create_conversion_fund(session: Session, zone: Zone | None = None, **overrides: Any) -> Any:
    import datetime as dt
    from decimal import Decimal

    from shuanggao.funds.models import ConversionFund

    n = _n()
    zone = zone or create_zone(session)
    values: dict[str, Any] = {
        "name": f"测试转化基金{n}",
        "zone_id": zone.id,
        "size": Decimal("10000000.00"),
        "status": "established",
        "established_date": dt.date(2025, 10, 1),
    }
    values.update(overrides)
    fund = ConversionFund(**values)
    session.add(fund)
    session.flush()
    return fund


def create_fund_investment(session: Session, fund: Any = None, **overrides: Any) -> Any:
    import datetime as dt
    from decimal import Decimal

    from shuanggao.funds.models import FundInvestment

    n = _n()
    fund = fund or create_conversion_fund(session)
    values: dict[str, Any] = {
        "fund_id": fund.id,
        "investee_name": f"被投企业{n}",
        "amount": Decimal("1000000.00"),
        "invest_date": dt.date(2025, 12, 1),
    }
    values.update(overrides)
    investment = FundInvestment(**values)
    session.add(investment)
    session.flush()
    session.expire(fund)
    return investment


def create_funding(
    session: Session,
    zone: Zone | None = None,
    university: University | None = None,
    **overrides: Any,
) -> Any:
    import datetime as dt
    from decimal import Decimal

    from shuanggao.funds.models import Funding

    n = _n()
    zone = zone or create_zone(session)
    university = university or create_university(session)
    values: dict[str, Any] = {
        "title": f"测试合作经费{n}",
        "zone_id": zone.id,
        "university_id": university.id,
        "payer_kind": "enterprise",
        "payer_name": f"出资企业{n}",
        "amount": Decimal("100000.00"),
        "funding_date": dt.date(2025, 10, 1),
    }
    values.update(overrides)
    funding = Funding(**values)
    session.add(funding)
    session.flush()
    return funding


def create_report(session: Session, **overrides: Any) -> Any:
    """A programme-wide report (draft unless ``status`` says otherwise)."""
    import datetime as dt

    from shuanggao.reports.models import PeriodicReport

    values: dict[str, Any] = {
        "scope": "programme",
        "period_start": dt.date(2025, 7, 1),
        "period_end": dt.date(2025, 11, 30),
        "as_of_date": dt.date(2025, 11, 30),
        "status": "draft",
        "qualifiers": {},
    }
    values.update(overrides)
    report = PeriodicReport(**values)
    session.add(report)
    session.flush()
    return report


def create_report_period(session: Session, **overrides: Any) -> Any:
    """A quarter the province asks pilots to report for (a new quarter each call)."""
    import datetime as dt

    from shuanggao.reports.models import ReportPeriod

    n = _n()
    year = 2100 + n
    values: dict[str, Any] = {
        "title": f"{year}年第三季度",
        "period_start": dt.date(year, 7, 1),
        "period_end": dt.date(year, 9, 30),
        "due_date": dt.date(year, 10, 31),
    }
    values.update(overrides)
    period = ReportPeriod(**values)
    session.add(period)
    session.flush()
    return period


def create_report_indicator(session: Session, **overrides: Any) -> Any:
    """A reported-only indicator (no record source) unless overridden."""
    from shuanggao.reports.models import ReportIndicator

    n = _n()
    values: dict[str, Any] = {"code": f"indicator_{n}", "label": f"测试指标{n}", "unit": "个"}
    values.update(overrides)
    indicator = ReportIndicator(**values)
    session.add(indicator)
    session.flush()
    return indicator


# --- reference data and programme baseline (R3) --------------------------------------------------


def create_industry(session: Session, **overrides: Any) -> Any:
    """A GB/T 4754 小类 under a made-up 门类 letter (T, 国际组织, has no 小类 of its own)."""
    from shuanggao.reference.models import Industry

    n = _n()
    values: dict[str, Any] = {
        "code": f"{9000 + n % 1000:04d}",
        "name": f"测试行业{n}",
        "level": "class",
        "section": "T",
        "parent_code": None,
        "tags": [],
        "strategic_paths": [],
        "key_products": [],
        "classifications": [],
    }
    values.update(overrides)
    industry = Industry(**values)
    session.add(industry)
    session.flush()
    return industry


def create_discipline(session: Session, **overrides: Any) -> Any:
    from shuanggao.reference.models import Discipline

    n = _n()
    values: dict[str, Any] = {
        "code": f"{9900 + n % 100:04d}",
        "name": f"测试学科{n}",
        "kind": "academic",
        "parent_code": "99",
    }
    values.update(overrides)
    discipline = Discipline(**values)
    session.add(discipline)
    session.flush()
    return discipline


def create_programme_fact(session: Session, zone: Zone | None = None, **overrides: Any) -> Any:
    import datetime as dt
    from decimal import Decimal

    from shuanggao.programme.models import ProgrammeFact

    n = _n()
    values: dict[str, Any] = {
        "scope": zone.name if zone is not None else "全省",
        "zone_id": zone.id if zone is not None else None,
        "kind": "fund",
        "name": f"测试转化基金{n}",
        "figure": Decimal("1"),
        "unit": "亿元",
        "fact_date": dt.date(2025, 11, 14),
        "source_url": f"https://example.org/facts/{n}",
    }
    values.update(overrides)
    fact = ProgrammeFact(**values)
    session.add(fact)
    session.flush()
    return fact


def create_policy_item(session: Session, **overrides: Any) -> Any:
    from shuanggao.programme.models import PolicyItem

    n = _n()
    values: dict[str, Any] = {
        "list_kind": "reform_guide",
        "no": n % 900 + 1,
        "title": f"测试改革事项{n}",
        "summary": "测试摘要",
        "source_url": f"https://example.org/policies/{n}",
    }
    values.update(overrides)
    item = PolicyItem(**values)
    session.add(item)
    session.flush()
    return item


# --- web UI (issue 4: pages, dashboard) ---------------------------------------------------------


def create_match(
    session: Session, demand: Any = None, supply_item: Any = None, **overrides: Any
) -> Any:
    """A stored recommendation (推荐 unless ``state`` says otherwise)."""
    from shuanggao.matches.models import Match

    demand = demand or create_demand(session)
    supply_item = supply_item or create_supply_item(session)
    values: dict[str, Any] = {
        "demand_id": demand.id,
        "supply_item_id": supply_item.id,
        "score": 0.5,
        "rank": 1,
        "method": "lexical",
        "reasons": {},
        "state": "recommended",
    }
    values.update(overrides)
    match = Match(**values)
    session.add(match)
    session.flush()
    return match


def version_of(session: Session, obj: Any) -> int:
    """The row's current optimistic-lock version (updates must send it), read afresh."""
    session.refresh(obj)
    version: int = obj.version
    return version


# --- industry chains (issue 10) -----------------------------------------------------------------


def create_industry_chain(session: Session, zone: Zone | None = None, **overrides: Any) -> Any:
    from shuanggao.chains.models import IndustryChain

    n = _n()
    zone = zone or create_zone(session)
    values: dict[str, Any] = {"name": f"测试产业链{n}", "zone_id": zone.id, "kind": "leading"}
    values.update(overrides)
    chain = IndustryChain(**values)
    session.add(chain)
    session.flush()
    return chain


def create_chain_node(
    session: Session,
    chain: Any = None,
    enterprises: list[Any] | None = None,
    **overrides: Any,
) -> Any:
    from shuanggao.chains.models import ChainNode, ChainNodeEnterprise

    n = _n()
    chain = chain or create_industry_chain(session)
    values: dict[str, Any] = {
        "name": f"测试环节{n}",
        "chain_id": chain.id,
        "zone_id": chain.zone_id,
        "position": n % 100,
        "industry_codes": ["C3841"],
        "emerging_paths": [],
        "keywords": ["储能"],
    }
    values.update(overrides)
    node = ChainNode(**values)
    session.add(node)
    session.flush()
    for pos, enterprise in enumerate(enterprises or []):
        session.add(ChainNodeEnterprise(node_id=node.id, enterprise_id=enterprise.id, position=pos))
    session.flush()
    return node


# --- conflicts of interest (issue 9) ------------------------------------------------------------


def create_conflict_declaration(
    session: Session, user: Any = None, enterprise: Any = None, **overrides: Any
) -> Any:
    """A researcher's declared tie (持股 by default) to ``enterprise`` (a new one if None)."""
    from shuanggao.actor import Role
    from shuanggao.conflicts.models import ConflictDeclaration

    if user is None and "user_id" not in overrides:
        user = create_user(session, Role.RESEARCHER)
    if enterprise is None and not {"enterprise_id", "enterprise_name", "credit_code"} & set(
        overrides
    ):
        enterprise = create_enterprise(session)
    values: dict[str, Any] = {
        "user_id": user.id if user is not None else None,
        "university_id": user.university_id if user is not None else None,
        "enterprise_id": enterprise.id if enterprise is not None else None,
        "kind": "shareholding",
        "note": f"测试申报{_n()}",
    }
    values.update(overrides)
    declaration = ConflictDeclaration(**values)
    session.add(declaration)
    session.flush()
    return declaration


def create_consortium(
    session: Session,
    zone: Zone | None = None,
    lead: Any = None,
    universities: list[Any] | None = None,
    **overrides: Any,
) -> Any:
    """A consortium led by ``lead`` (a new enterprise in ``zone`` if None)."""
    from shuanggao.consortia.models import Consortium, ConsortiumUniversity

    zone = zone or create_zone(session)
    lead = lead or create_enterprise(session, zone)
    values: dict[str, Any] = {
        "name": f"测试创新联合体{_n()}",
        "zone_id": zone.id,
        "lead_enterprise_id": lead.id,
        "industry_codes": [],
        "chain_codes": [],
    }
    values.update(overrides)
    consortium = Consortium(**values)
    session.add(consortium)
    session.flush()
    for university in universities or []:
        session.add(ConsortiumUniversity(consortium_id=consortium.id, university_id=university.id))
    session.flush()
    return consortium
