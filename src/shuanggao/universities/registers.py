from __future__ import annotations

from shuanggao.kit.policy import PublicRead
from shuanggao.kit.register import Column, Filter, Register
from shuanggao.universities.models import University
from shuanggao.universities.schemas import UniversityCreate, UniversityRead, UniversityUpdate

universities = Register(
    name="universities",
    label="高校",
    model=University,
    create_schema=UniversityCreate,
    update_schema=UniversityUpdate,
    read_schema=UniversityRead,
    columns=[
        Column("code", "学校标识码", required=True, example="4132010286"),
        Column("name", "学校名称", required=True, example="东南大学"),
        Column("province", "所在省份", example="江苏省"),
        Column("city", "所在地", required=True, example="南京市"),
        Column("authority", "主管部门", required=True, example="教育部"),
        Column("level", "办学层次", required=True, example="本科", help="本科或专科"),
        Column("is_private", "是否民办", example="否"),
        Column(
            "discipline_codes",
            "一级学科代码",
            multi=True,
            example="0812；0809",
            help="2022 年学科目录的一级学科代码，多个用分号分隔",
        ),
        Column("is_pilot", "是否双高协同试点高校", example="是"),
        Column("note", "备注"),
    ],
    natural_key=("code",),
    search_fields=("name", "code", "city", "authority"),
    filters=(
        Filter("city", "city", "所在地"),
        Filter("level", "level", "办学层次"),
        Filter("province", "province", "省份"),
        Filter("is_pilot", "is_pilot", "试点", bool),
    ),
    sort_fields=("name", "code", "city"),
    default_sort="code",
    policy=PublicRead(owner_tenant=("university", "id")),
)
