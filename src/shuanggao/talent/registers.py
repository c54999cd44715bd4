from __future__ import annotations

from sqlalchemy.orm import joinedload

from shuanggao.kit.refs import ref_by
from shuanggao.kit.register import Column, Filter, Register
from shuanggao.pairings.models import Pairing
from shuanggao.pairings.refs import pairing_ref
from shuanggao.talent.models import Resident
from shuanggao.talent.policy import ResidentPolicy
from shuanggao.talent.rules import validate_resident
from shuanggao.talent.schemas import (
    ResidentCreate,
    ResidentKind,
    ResidentRead,
    ResidentUpdate,
)
from shuanggao.universities.models import University
from shuanggao.zones.refs import zone_ref

# Exports name the pairing as “高新区（批次）”: the pairing and its zone are enough.
PAIRING_LOAD = (joinedload(Resident.pairing).joinedload(Pairing.zone),)

RESIDENT_POLICY = ResidentPolicy(
    rules={
        "zone": lambda t: Resident.zone_id == t,
        "university": lambda t: Resident.university_id == t,
    },
    owner_fields={"zone": "zone_id", "university": "university_id"},
)

residents = Register(
    name="residents",
    label="驻园师生",
    model=Resident,
    create_schema=ResidentCreate,
    update_schema=ResidentUpdate,
    read_schema=ResidentRead,
    columns=[
        Column("person_name", "姓名", required=True, example="彭纪昌"),
        Column(
            "kind", "身份", required=True, example="教师", help="、".join(ResidentKind.labels())
        ),
        Column(
            "university_id",
            "所在高校",
            required=True,
            example="南京工程学院",
            ref=ref_by(University, "name", "universities", "university", "code"),
        ),
        Column(
            "zone_id",
            "驻在高新区",
            required=True,
            example="南京建邺高新区",
            ref=zone_ref(full_name=False),
        ),
        Column(
            "pairing_id",
            "所属结对",
            example="南京建邺高新区（2025 首批试点）",
            help="“高新区（批次）”，该区只有一个结对时可只写高新区",
            ref=pairing_ref(),
        ),
        Column("department", "院系", example="电力工程学院"),
        Column("discipline_code", "一级学科代码", example="0808"),
        Column("from_date", "入园日期", required=True, example="2025-07-15"),
        Column("to_date", "离园日期", example="2026-06-30", help="仍在园区的留空"),
        Column("role", "驻园角色", example="科技副总", help="如科技副总、产业教授、研究生工作站"),
        Column("source_url", "来源网址"),
        Column("source_date", "来源日期", example="2025-11-30"),
        Column("note", "备注"),
    ],
    natural_key=("university_id", "zone_id", "person_name", "from_date"),
    search_fields=("person_name", "department", "role"),
    filters=(
        Filter("zone_id", "zone_id", "高新区", int),
        Filter("university_id", "university_id", "高校", int),
        Filter("pairing_id", "pairing_id", "结对", int),
        Filter("kind", "kind", "身份"),
    ),
    sort_fields=("person_name", "from_date", "to_date", "kind"),
    default_sort="-from_date",
    policy=RESIDENT_POLICY,
    load_options=(joinedload(Resident.university), joinedload(Resident.zone), *PAIRING_LOAD),
    title_attr="person_name",
    validate=validate_resident,
    description="高校教师、学生常驻高新区（驻园师生）的登记。",
)
