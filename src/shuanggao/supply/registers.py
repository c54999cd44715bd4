from __future__ import annotations

from sqlalchemy.orm import joinedload

from shuanggao.kit.refs import ref_by
from shuanggao.kit.register import Column, Filter, Register
from shuanggao.supply.models import SupplyItem
from shuanggao.supply.policy import SupplyPolicy
from shuanggao.supply.rules import validate_supply_item
from shuanggao.supply.schemas import (
    SupplyItemCreate,
    SupplyItemRead,
    SupplyItemUpdate,
    SupplyKind,
)
from shuanggao.universities.models import University

supply_items = Register(
    name="supply_items",
    label="技术供给清单条目",
    model=SupplyItem,
    create_schema=SupplyItemCreate,
    update_schema=SupplyItemUpdate,
    read_schema=SupplyItemRead,
    columns=[
        Column(
            "university_id",
            "所属高校",
            required=True,
            example="南京工程学院",
            help="高校名称或学校标识码",
            ref=ref_by(University, "name", "universities", "university", "code"),
        ),
        Column(
            "kind",
            "类型",
            required=True,
            example="数据资源",
            help="、".join(SupplyKind.labels()),
        ),
        Column("title", "名称", required=True, example="锂电池储能系统安全实验数据集"),
        Column("owner_name", "负责人", example="彭纪昌"),
        Column("abstract", "简介", example="储能电池热失控与安全预警实验数据"),
        Column("keywords", "关键词", multi=True, example="锂电池；储能；安全预警"),
        Column(
            "discipline_codes",
            "一级学科代码",
            multi=True,
            example="0808",
            help="2022 年学科目录的一级学科代码，多个用分号分隔",
        ),
        Column(
            "industry_codes",
            "国民经济行业代码",
            multi=True,
            example="C3841",
            help="GB/T 4754-2017 代码，多个用分号分隔",
        ),
        Column(
            "maturity",
            "成熟度",
            example="TRL6",
            help="TRL1–TRL9，或 实验室、小试、中试、产业化",
        ),
        Column("rights_status", "权属状态", example="已授权专利"),
        Column("patent_numbers", "专利号", multi=True, example="ZL202310123456.7"),
        Column(
            "transfer_modes",
            "转化方式",
            multi=True,
            example="许可；合作开发",
            help="转让、许可、作价入股、技术服务、合作开发，可多选",
        ),
        Column("price_min", "价格下限（元）", example="100000"),
        Column("price_max", "价格上限（元）", example="500000"),
        Column("research_directions", "研究方向"),
        Column("representative_results", "代表性成果"),
        Column("sharing_terms", "共享条件"),
        Column("data_description", "数据说明"),
        Column("is_public", "是否公开", example="是"),
        Column("source_url", "来源网址"),
        Column("note", "备注"),
    ],
    natural_key=("university_id", "title"),
    search_fields=("title", "abstract", "owner_name", "research_directions"),
    filters=(
        Filter("kind", "kind", "类型"),
        Filter("university_id", "university_id", "所属高校", int),
        Filter("maturity", "maturity", "成熟度"),
        Filter("is_public", "is_public", "是否公开", bool),
    ),
    sort_fields=("title", "kind", "university_id", "updated_at"),
    default_sort="id",
    policy=SupplyPolicy(),
    load_options=(joinedload(SupplyItem.university),),
    title_attr="title",
    validate=validate_supply_item,
    description="高校梳理的可转化科技成果、专家团队、共享平台与仪器、数据资源。",
)
