from __future__ import annotations

from sqlalchemy.orm import joinedload

from shuanggao.demand.models import Demand
from shuanggao.demand.policy import DemandPolicy, owner_hidden
from shuanggao.demand.rules import validate_demand
from shuanggao.demand.schemas import (
    ANONYMOUS_LABEL,
    CooperationMode,
    DemandCreate,
    DemandRead,
    DemandUpdate,
    Visibility,
)
from shuanggao.enterprises.refs import enterprise_ref
from shuanggao.kit.register import Column, Filter, Register
from shuanggao.zones.refs import zone_ref

demands = Register(
    name="demands",
    label="产业需求",
    model=Demand,
    create_schema=DemandCreate,
    update_schema=DemandUpdate,
    read_schema=DemandRead,
    columns=[
        Column(
            "enterprise_id",
            "企业",
            required=True,
            example="南京储能科技有限公司",
            help="企业名称或统一社会信用代码",
            ref=enterprise_ref(),
        ),
        Column(
            "zone_id",
            "所在高新区",
            example="南京建邺高新区",
            help="可不填，默认为企业所在高新区",
            ref=zone_ref(),
        ),
        Column("title", "需求名称", required=True, example="锂电池储能系统安全预测与预警"),
        Column("description", "需求描述", example="为大型储能场站提供更精准的安全预测和预警"),
        Column("technical_indicators", "技术指标"),
        Column("keywords", "关键词", multi=True, example="储能；锂电池；热失控"),
        Column("industry_code", "国民经济行业代码", example="C3841", help="GB/T 4754-2017"),
        Column(
            "chain_node",
            "产业链节点",
            example="新能源产业 > 储能设备制造",
            help="战略性新兴产业分类：代码或分类路径（用 > 分隔）",
        ),
        Column("budget_min", "预算下限（元）", example="500000"),
        Column("budget_max", "预算上限（元）", example="2000000"),
        Column("deadline_date", "截止日期", example="2026-12-31"),
        Column(
            "cooperation_mode",
            "合作方式",
            required=True,
            example="技术开发",
            help="、".join(CooperationMode.labels()),
        ),
        Column("visibility", "公开范围", example="公开", help="、".join(Visibility.labels())),
        Column("contact_person", "联系人"),
        Column("phone", "联系电话"),
        Column("note", "备注"),
    ],
    natural_key=("enterprise_id", "title"),
    search_fields=("title", "description", "technical_indicators"),
    filters=(
        Filter("zone_id", "zone_id", "高新区", int),
        Filter("cooperation_mode", "cooperation_mode", "合作方式"),
        Filter("visibility", "visibility", "公开范围"),
        Filter("triage_state", "triage_state", "梳理状态"),
        Filter("industry_code", "industry_code", "行业代码"),
    ),
    sort_fields=("title", "deadline_date", "triage_state", "updated_at"),
    default_sort="id",
    policy=DemandPolicy(),
    load_options=(joinedload(Demand.enterprise), joinedload(Demand.zone)),
    title_attr="title",
    validate=validate_demand,
    description="高新区为企业登记的技术需求，按公开范围控制可见性，经梳理后用于供需匹配。",
    hidden_fields=owner_hidden,
    masked_values={"enterprise_name": ANONYMOUS_LABEL},
)
