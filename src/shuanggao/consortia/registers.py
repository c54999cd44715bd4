"""The innovation consortium (创新联合体) register."""

from __future__ import annotations

from typing import Any

from shuanggao.consortia import repository as repo
from shuanggao.consortia.models import Consortium
from shuanggao.consortia.policy import CONSORTIUM_POLICY
from shuanggao.consortia.rules import apply_consortium_members, validate_consortium
from shuanggao.consortia.schemas import ConsortiumCreate, ConsortiumRead, ConsortiumUpdate
from shuanggao.enterprises.refs import enterprise_ref, enterprises_ref
from shuanggao.kit.register import Column, Filter, Ref, Register
from shuanggao.pairings.refs import universities_ref
from shuanggao.zones.refs import ZONE_HELP, zone_ref


def projects_ref() -> Ref:
    def render(obj: Any) -> Any:
        return list(obj.project_titles)

    return Ref(
        target="projects",
        resolve=repo.project_id_by_title,
        render=render,
        name_of=repo.project_title,
    )


consortia = Register(
    name="consortia",
    label="创新联合体",
    model=Consortium,
    create_schema=ConsortiumCreate,
    update_schema=ConsortiumUpdate,
    read_schema=ConsortiumRead,
    columns=[
        Column("name", "联合体名称", required=True, example="新型储能系统创新联合体"),
        Column(
            "zone_id",
            "所在高新区",
            required=True,
            example="南京建邺高新区",
            help=ZONE_HELP,
            ref=zone_ref(),
        ),
        Column(
            "lead_enterprise_id",
            "牵头企业",
            required=True,
            example="江苏林洋储能技术有限公司",
            help="企业名称或统一社会信用代码",
            ref=enterprise_ref("lead_enterprise"),
        ),
        Column(
            "enterprise_ids",
            "成员企业",
            multi=True,
            example="南京储能安全科技有限公司",
            help="企业名称或统一社会信用代码，多个用分号分隔",
            ref=enterprises_ref(),
        ),
        Column(
            "university_ids",
            "成员高校",
            multi=True,
            example="南京工程学院",
            help="高校名称或学校标识码，多所用分号分隔",
            ref=universities_ref(),
        ),
        Column(
            "project_ids",
            "联合体项目",
            multi=True,
            example="储能电池安全预警技术联合攻关",
            help="该高新区的合作研发项目名称，多个用分号分隔",
            ref=projects_ref(),
        ),
        Column(
            "industry_codes",
            "行业代码",
            multi=True,
            example="C3849",
            help="国民经济行业分类代码，多个用分号分隔",
        ),
        Column(
            "chain_codes",
            "产业链环节",
            multi=True,
            example="储能电池；电池管理系统",
            help="多个用分号分隔",
        ),
        Column("agreement_date", "协议签订日期", example="2025-09-01", help="格式 YYYY-MM-DD"),
        Column("funding", "联合体经费（元）", example="5000000.00", help="单位：元，最多两位小数"),
        Column("description", "简介"),
        Column("source_url", "来源网址"),
        Column("source_date", "来源日期", example="2025-10-01", help="格式 YYYY-MM-DD"),
        Column("note", "备注"),
    ],
    natural_key=("name",),
    search_fields=("name", "description"),
    filters=(
        Filter("zone_id", "zone_id", "所在高新区", int),
        Filter("lead_enterprise_id", "lead_enterprise_id", "牵头企业", int),
        Filter("university_id", "member_university_id", "成员高校", int),
    ),
    sort_fields=("name", "agreement_date", "funding", "zone_name"),
    default_sort="id",
    policy=CONSORTIUM_POLICY,
    load_options=repo.CONSORTIUM_LOAD,
    title_attr="name",
    validate=validate_consortium,
    apply_extra=apply_consortium_members,
    description="企业牵头、高校和企业共同参加的创新联合体，及其项目和经费。",
)
