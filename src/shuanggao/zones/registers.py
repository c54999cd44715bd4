from __future__ import annotations

from shuanggao.kit.policy import PublicRead
from shuanggao.kit.register import Column, Filter, Register
from shuanggao.zones.models import Zone
from shuanggao.zones.schemas import ZoneCreate, ZoneRead, ZoneUpdate

zones = Register(
    name="zones",
    label="高新区",
    model=Zone,
    create_schema=ZoneCreate,
    update_schema=ZoneUpdate,
    read_schema=ZoneRead,
    columns=[
        Column("name", "高新区简称", required=True, example="无锡高新区"),
        Column("full_name", "全称", example="无锡高新技术产业开发区"),
        Column("level", "级别", required=True, example="国家级", help="国家级、省级或省级（筹）"),
        Column("city", "所在设区市", required=True, example="无锡市"),
        Column("managing_body", "管理机构", example="无锡高新区管委会"),
        Column("leading_industries", "主导产业", example="集成电路；物联网"),
        Column("future_industries", "未来产业", example="第三代半导体"),
        Column(
            "industry_codes",
            "国民经济行业代码",
            multi=True,
            example="C3973；C3562",
            help="GB/T 4754-2017 代码，多个用分号分隔",
        ),
        Column("emerging_codes", "战略性新兴产业分类代码", multi=True, example="1.2.1"),
        Column("is_pilot", "是否双高协同试点", example="是"),
        Column("source_url", "来源网址"),
        Column("source_date", "来源日期", example="2025-08-04"),
        Column("note", "备注"),
    ],
    natural_key=("name",),
    search_fields=("name", "full_name", "city", "leading_industries"),
    filters=(
        Filter("city", "city", "设区市"),
        Filter("level", "level", "级别"),
        Filter("is_pilot", "is_pilot", "试点", bool),
    ),
    sort_fields=("name", "city", "level"),
    default_sort="id",
    # A zone administrator maintains their own zone's record.
    policy=PublicRead(owner_tenant=("zone", "id")),
)
