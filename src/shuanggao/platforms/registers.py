"""The co-built platform (共建产业创新平台) register."""

from __future__ import annotations

from shuanggao.kit.register import Column, Filter, Register
from shuanggao.pairings.refs import pairing_ref, universities_ref
from shuanggao.pairings.schemas import one_of
from shuanggao.platforms import repository as repo
from shuanggao.platforms.models import Platform
from shuanggao.platforms.policy import PLATFORM_POLICY
from shuanggao.platforms.rules import apply_platform_universities, validate_platform
from shuanggao.platforms.schemas import (
    PlatformCreate,
    PlatformKind,
    PlatformLevel,
    PlatformRead,
    PlatformUpdate,
)
from shuanggao.programme.enums import TaskArea
from shuanggao.zones.refs import ZONE_HELP, zone_ref

platforms = Register(
    name="platforms",
    label="共建产业创新平台",
    model=Platform,
    create_schema=PlatformCreate,
    update_schema=PlatformUpdate,
    read_schema=PlatformRead,
    columns=[
        Column(
            "name",
            "平台名称",
            required=True,
            example="集成电路测试联合实验室",
            help="同一高新区内平台名称不重复",
        ),
        Column(
            "zone_id",
            "高新区",
            required=True,
            example="江阴高新区",
            help=ZONE_HELP,
            ref=zone_ref(),
        ),
        Column(
            "university_ids",
            "共建高校",
            required=True,
            multi=True,
            example="无锡学院",
            help="高校名称或学校标识码，多所用分号分隔",
            ref=universities_ref(),
        ),
        Column(
            "pairing_id",
            "所属结对",
            example="江阴高新区（2025 首批试点）",
            help="可不填；填写时须为该高新区且含全部共建高校的结对",
            ref=pairing_ref(),
        ),
        Column("kind", "平台类型", required=True, example="联合实验室", help=one_of(PlatformKind)),
        Column("level", "级别", example="市级", help=one_of(PlatformLevel)),
        Column("established_date", "成立日期", example="2025-09-20", help="格式 YYYY-MM-DD"),
        Column("industry_direction", "产业方向", example="集成电路测试"),
        Column(
            "industry_codes",
            "国民经济行业代码",
            multi=True,
            example="C3973",
            help="GB/T 4754-2017 代码，多个用分号分隔",
        ),
        Column("task_area", "任务领域", example="创新资源共享", help=one_of(TaskArea)),
        Column("description", "平台简介"),
        Column(
            "shared_instruments",
            "开放共享仪器设备（台套）",
            example="12",
            help="非负整数，默认 0",
        ),
        Column("source_url", "来源网址"),
        Column("source_date", "来源日期", example="2025-10-01", help="格式 YYYY-MM-DD"),
        Column("note", "备注"),
    ],
    natural_key=("zone_id", "name"),
    search_fields=("name", "industry_direction", "description"),
    filters=(
        Filter("zone_id", "zone_id", "高新区", int),
        Filter("university_id", "member_university_id", "共建高校", int),
        Filter("pairing_id", "pairing_id", "结对", int),
        Filter("kind", "kind", "平台类型"),
        Filter("level", "level", "级别"),
        Filter("task_area", "task_area", "任务领域"),
        Filter("year", "established_year", "成立年份", int),
    ),
    sort_fields=(
        "name",
        "established_date",
        "kind",
        "level",
        "shared_instruments",
        "zone_name",
    ),
    default_sort="id",
    policy=PLATFORM_POLICY,
    load_options=repo.PLATFORM_LOAD,
    title_attr="name",
    validate=validate_platform,
    apply_extra=apply_platform_universities,
    description="高新区与高校共建的产业创新平台。",
)
