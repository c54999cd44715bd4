from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from shuanggao.enterprises.refs import enterprise_ref
from shuanggao.funds import repository
from shuanggao.funds.models import ConversionFund, Funding, FundInvestment
from shuanggao.funds.policy import FundInvestmentPolicy
from shuanggao.funds.rules import validate_fund, validate_funding, validate_investment
from shuanggao.funds.schemas import (
    ConversionFundCreate,
    ConversionFundRead,
    ConversionFundUpdate,
    FundingCreate,
    FundingRead,
    FundingUpdate,
    FundInvestmentCreate,
    FundInvestmentRead,
    FundInvestmentUpdate,
    FundStatus,
    PayerKind,
)
from shuanggao.kit.policy import TenantScoped
from shuanggao.kit.refs import ref_by
from shuanggao.kit.register import Column, Filter, Ref, Register
from shuanggao.pairings.models import Pairing
from shuanggao.pairings.refs import pairing_ref
from shuanggao.projects.models import Project
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone
from shuanggao.zones.refs import zone_ref


def _pairing_load(relation: Any) -> Any:
    """Exports name the pairing as “高新区（批次）”: the pairing and its zone are enough."""
    return joinedload(relation).joinedload(Pairing.zone)


def _in_zone_ref(model: Any, attr: str, target: str, relation: str) -> Ref:
    """A row named in a file as “高新区/名称”, or just by its name when no other zone uses it
    (names are unique within a zone only)."""

    def resolve(session: Session, text: str) -> int | None:
        zone_name, sep, name = text.strip().rpartition("/")
        stmt = select(model.id).where(getattr(model, attr) == name.strip())
        if sep:
            stmt = stmt.join(Zone, Zone.id == model.zone_id).where(Zone.name == zone_name.strip())
        found = list(session.scalars(stmt.limit(2)))
        return int(found[0]) if len(found) == 1 else None

    def render(obj: Any) -> Any:
        related = getattr(obj, relation, None)
        if related is None:
            return None
        return f"{related.zone.name}/{getattr(related, attr)}"

    def name_of(session: Session, target_id: int) -> str | None:
        stmt = (
            select(Zone.name, getattr(model, attr))
            .join(Zone, Zone.id == model.zone_id)
            .where(model.id == target_id)
        )
        row = session.execute(stmt).one_or_none()
        return None if row is None else f"{row[0]}/{row[1]}"

    return Ref(target=target, resolve=resolve, render=render, name_of=name_of)


def _fund_ref() -> Ref:
    return _in_zone_ref(ConversionFund, "name", "conversion_funds", "fund")


def _project_ref() -> Ref:
    return _in_zone_ref(Project, "title", "projects", "project")


# ---- conversion funds -------------------------------------------------------------------------


conversion_funds = Register(
    name="conversion_funds",
    label="转化基金",
    model=ConversionFund,
    create_schema=ConversionFundCreate,
    update_schema=ConversionFundUpdate,
    read_schema=ConversionFundRead,
    columns=[
        Column("name", "基金名称", required=True, example="江阴高新区双高协同成果转化基金"),
        Column(
            "zone_id",
            "高新区",
            required=True,
            example="江阴高新区",
            ref=zone_ref(full_name=False),
        ),
        Column(
            "pairing_id",
            "所属结对",
            example="江阴高新区（2025 首批试点）",
            help="“高新区（批次）”，该区只有一个结对时可只写高新区",
            ref=pairing_ref(),
        ),
        Column("size", "基金规模（元）", required=True, example="100000000", help="最多两位小数"),
        Column("manager", "管理机构", example="江阴高新区科创投资有限公司"),
        Column("established_date", "设立日期", example="2025-11-14"),
        Column("status", "状态", example="已设立", help="、".join(FundStatus.labels())),
        Column("capital_source", "出资来源", example="高新区财政；社会资本"),
        Column("source_url", "来源网址"),
        Column("source_date", "来源日期", example="2025-11-14"),
        Column("note", "备注"),
    ],
    natural_key=("zone_id", "name"),
    search_fields=("name", "manager", "capital_source"),
    filters=(
        Filter("zone_id", "zone_id", "高新区", int),
        Filter("pairing_id", "pairing_id", "结对", int),
        Filter("status", "status", "状态"),
    ),
    sort_fields=("name", "size", "established_date", "status"),
    default_sort="-established_date",
    policy=TenantScoped(
        rules={
            "zone": lambda t: ConversionFund.zone_id == t,
            "university": lambda t: ConversionFund.pairing_id.in_(
                repository.pairings_of_university(t)
            ),
        },
        owner_fields={"zone": "zone_id"},
    ),
    load_options=(joinedload(ConversionFund.zone), _pairing_load(ConversionFund.pairing)),
    validate=validate_fund,
    description="各试点配套的成果转化基金（“五个一”之一），规模与已投资金额。",
)


# ---- fund investments -------------------------------------------------------------------------


fund_investments = Register(
    name="fund_investments",
    label="基金投资",
    model=FundInvestment,
    create_schema=FundInvestmentCreate,
    update_schema=FundInvestmentUpdate,
    read_schema=FundInvestmentRead,
    columns=[
        Column(
            "fund_id",
            "转化基金",
            required=True,
            example="江阴高新区/江阴高新区双高协同成果转化基金",
            help="“高新区/基金名称”，基金名称唯一时可只写名称",
            ref=_fund_ref(),
        ),
        Column("investee_name", "被投对象", required=True, example="江苏澄测科技有限公司"),
        Column(
            "enterprise_id",
            "被投企业",
            example="江苏澄测科技有限公司",
            help="已登记企业的名称或统一社会信用代码",
            ref=enterprise_ref(),
        ),
        Column(
            "project_id",
            "关联项目",
            example="江阴高新区/新一轮芯片测试方案联合研发",
            help="“高新区/项目名称”，项目名称唯一时可只写名称",
            ref=_project_ref(),
        ),
        Column("amount", "投资金额（元）", required=True, example="5000000"),
        Column("invest_date", "投资日期", required=True, example="2026-01-15"),
        Column("note", "备注"),
    ],
    natural_key=("fund_id", "investee_name", "invest_date"),
    search_fields=("investee_name", "note"),
    filters=(
        Filter("fund_id", "fund_id", "转化基金", int),
        Filter("enterprise_id", "enterprise_id", "企业", int),
        Filter("project_id", "project_id", "项目", int),
    ),
    sort_fields=("invest_date", "amount", "investee_name"),
    default_sort="-invest_date",
    policy=FundInvestmentPolicy(),
    load_options=(
        joinedload(FundInvestment.fund).joinedload(ConversionFund.zone),
        joinedload(FundInvestment.enterprise),
        joinedload(FundInvestment.project).joinedload(Project.zone),
    ),
    title_attr="title",
    validate=validate_investment,
    description="转化基金的每笔投资；一只基金的累计投资不能超过其规模。",
)


# ---- funding ----------------------------------------------------------------------------------


fundings = Register(
    name="fundings",
    label="合作经费",
    model=Funding,
    create_schema=FundingCreate,
    update_schema=FundingUpdate,
    read_schema=FundingRead,
    columns=[
        Column("title", "经费事项", required=True, example="新型储能系统创新联合体首期经费"),
        Column(
            "zone_id",
            "高新区",
            required=True,
            example="南京建邺高新区",
            ref=zone_ref(full_name=False),
        ),
        Column(
            "university_id",
            "高校",
            example="南京工程学院",
            help="未填结对时必填",
            ref=ref_by(University, "name", "universities", "university", "code"),
        ),
        Column(
            "pairing_id",
            "所属结对",
            example="南京建邺高新区（2025 首批试点）",
            ref=pairing_ref(),
        ),
        Column(
            "project_id",
            "关联项目",
            help="“高新区/项目名称”，项目名称唯一时可只写名称",
            ref=_project_ref(),
        ),
        Column(
            "payer_kind",
            "出资方类型",
            required=True,
            example="企业",
            help="、".join(PayerKind.labels()),
        ),
        Column("payer_name", "出资方", required=True, example="江苏林洋储能技术有限公司"),
        Column("amount", "金额（元）", required=True, example="2000000", help="最多两位小数"),
        Column("funding_date", "到位日期", required=True, example="2025-09-01"),
        Column("source_url", "来源网址"),
        Column("source_date", "来源日期"),
        Column("note", "备注"),
    ],
    natural_key=("zone_id", "title"),
    search_fields=("title", "payer_name", "note"),
    filters=(
        Filter("zone_id", "zone_id", "高新区", int),
        Filter("university_id", "university_id", "高校", int),
        Filter("pairing_id", "pairing_id", "结对", int),
        Filter("project_id", "project_id", "项目", int),
        Filter("payer_kind", "payer_kind", "出资方类型"),
    ),
    sort_fields=("funding_date", "amount", "title", "payer_name"),
    default_sort="-funding_date",
    policy=TenantScoped(
        rules={
            "zone": lambda t: Funding.zone_id == t,
            "university": lambda t: or_(
                Funding.university_id == t,
                Funding.pairing_id.in_(repository.pairings_of_university(t)),
            ),
        },
        owner_fields={"zone": "zone_id", "university": "university_id"},
    ),
    load_options=(
        joinedload(Funding.zone),
        joinedload(Funding.university),
        joinedload(Funding.project).joinedload(Project.zone),
        _pairing_load(Funding.pairing),
    ),
    title_attr="title",
    validate=validate_funding,
    description="政府、高新区、企业、高校、基金投入“双高协同”的合作经费。",
)
