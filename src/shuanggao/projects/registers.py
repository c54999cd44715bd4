"""The joint R&D project (合作研发项目) register."""

from __future__ import annotations

from shuanggao.enterprises.refs import enterprises_ref
from shuanggao.kit.register import Column, Filter, Register
from shuanggao.pairings.refs import pairing_ref, university_ref
from shuanggao.pairings.schemas import one_of
from shuanggao.programme.enums import TaskArea
from shuanggao.projects import repository as repo
from shuanggao.projects.models import Project
from shuanggao.projects.policy import PROJECT_POLICY
from shuanggao.projects.rules import apply_project_enterprises, validate_project
from shuanggao.projects.schemas import ProjectCreate, ProjectKind, ProjectRead, ProjectUpdate
from shuanggao.zones.refs import ZONE_HELP, zone_ref

TASK_AREAS = one_of(TaskArea)

projects = Register(
    name="projects",
    label="合作研发项目",
    model=Project,
    create_schema=ProjectCreate,
    update_schema=ProjectUpdate,
    read_schema=ProjectRead,
    columns=[
        Column(
            "title",
            "项目名称",
            required=True,
            example="储能电池安全预警技术联合攻关",
            help="同一高新区内项目名称不重复",
        ),
        Column(
            "zone_id",
            "高新区",
            required=True,
            example="南京建邺高新区",
            help=ZONE_HELP,
            ref=zone_ref(),
        ),
        Column(
            "university_id",
            "承担高校",
            required=True,
            example="南京工程学院",
            help="高校名称或学校标识码",
            ref=university_ref(),
        ),
        Column(
            "pairing_id",
            "所属结对",
            example="南京建邺高新区（2025 首批试点）",
            help="可不填；填写时须为该高新区且含承担高校的结对",
            ref=pairing_ref(),
        ),
        Column(
            "enterprise_ids",
            "参与企业",
            multi=True,
            example="江苏林洋储能技术有限公司",
            help="企业名称或统一社会信用代码，多个用分号分隔",
            ref=enterprises_ref(),
        ),
        Column("task_area", "任务领域", example="关键核心技术攻关", help=TASK_AREAS),
        Column(
            "kind",
            "项目类型",
            required=True,
            example="联合攻关",
            help=one_of(ProjectKind),
        ),
        Column("start_date", "开始日期", example="2025-09-01", help="格式 YYYY-MM-DD"),
        Column(
            "end_date", "结束日期", example="2027-08-31", help="格式 YYYY-MM-DD，不早于开始日期"
        ),
        Column("budget", "经费（元）", example="1500000.00", help="单位：元，最多两位小数"),
        Column("status", "状态", example="在研", help="立项、在研、结题或终止；默认立项"),
        Column("is_benchmark", "是否标杆项目", example="否", help="是或否"),
        Column("university_leader", "高校负责人", example="李教授"),
        Column("enterprise_leader", "企业负责人", example="王总工"),
        Column("description", "项目简介"),
        Column("source_url", "来源网址"),
        Column("source_date", "来源日期", example="2025-10-01", help="格式 YYYY-MM-DD"),
        Column("note", "备注"),
    ],
    natural_key=("zone_id", "title"),
    search_fields=(
        "title",
        "description",
        "university_leader",
        "enterprise_leader",
        "university_name",
    ),
    filters=(
        Filter("zone_id", "zone_id", "高新区", int),
        Filter("university_id", "university_id", "承担高校", int),
        Filter("enterprise_id", "member_enterprise_id", "参与企业", int),
        Filter("pairing_id", "pairing_id", "结对", int),
        Filter("status", "status", "状态"),
        Filter("kind", "kind", "项目类型"),
        Filter("task_area", "task_area", "任务领域"),
        Filter("is_benchmark", "is_benchmark", "标杆项目", bool),
        Filter("year", "start_year", "开始年份", int),
    ),
    sort_fields=(
        "title",
        "start_date",
        "end_date",
        "budget",
        "status",
        "zone_name",
        "university_name",
    ),
    default_sort="id",
    policy=PROJECT_POLICY,
    load_options=repo.PROJECT_LOAD,
    title_attr="title",
    validate=validate_project,
    apply_extra=apply_project_enterprises,
    description="高新区与高校（及企业）的合作研发项目；经费以元计，精确到分。",
)
