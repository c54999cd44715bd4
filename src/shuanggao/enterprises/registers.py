"""The enterprise (企业) and enterprise service (服务企业记录) registers."""

from __future__ import annotations

from shuanggao.enterprises import repository as repo
from shuanggao.enterprises.models import Enterprise, EnterpriseService
from shuanggao.enterprises.policy import (
    ENTERPRISE_POLICY,
    SERVICE_POLICY,
    hidden_enterprise_fields,
)
from shuanggao.enterprises.refs import enterprise_ref
from shuanggao.enterprises.rules import validate_enterprise, validate_service
from shuanggao.enterprises.schemas import (
    EnterpriseCreate,
    EnterpriseRead,
    EnterpriseServiceCreate,
    EnterpriseServiceRead,
    EnterpriseServiceUpdate,
    EnterpriseUpdate,
    ServiceKind,
)
from shuanggao.kit.register import Column, Filter, Register
from shuanggao.pairings.refs import pairing_ref, university_ref
from shuanggao.pairings.schemas import one_of
from shuanggao.programme.enums import TaskArea
from shuanggao.zones.refs import ZONE_HELP, zone_ref

enterprises = Register(
    name="enterprises",
    label="企业",
    model=Enterprise,
    create_schema=EnterpriseCreate,
    update_schema=EnterpriseUpdate,
    read_schema=EnterpriseRead,
    columns=[
        Column("name", "企业名称", required=True, example="江苏林洋储能技术有限公司"),
        Column(
            "credit_code",
            "统一社会信用代码",
            required=True,
            example="91110000802100433B",
            help="18 位，含校验位；字母大写，不使用 I、O、Z、S、V",
        ),
        Column(
            "zone_id",
            "所属高新区",
            required=True,
            example="南京建邺高新区",
            help=ZONE_HELP,
            ref=zone_ref(),
        ),
        Column(
            "industry_code",
            "国民经济行业代码",
            example="C3841",
            help="GB/T 4754-2017 门类字母加 2–4 位数字",
        ),
        Column("is_high_tech", "是否高新技术企业", example="是", help="是或否"),
        Column("address", "地址", example="南京市建邺区江东中路 1 号"),
        Column("contact_person", "联系人", example="张工"),
        Column("phone", "联系电话", example="025-12345678", help="个人信息，审计日志中隐去"),
        Column("note", "备注"),
    ],
    natural_key=("credit_code",),
    search_fields=("name", "credit_code", "address"),
    filters=(
        Filter("zone_id", "zone_id", "高新区", int),
        Filter("industry_code", "industry_code", "行业代码"),
        Filter("is_high_tech", "is_high_tech", "高新技术企业", bool),
    ),
    sort_fields=("name", "credit_code", "zone_name", "industry_code"),
    default_sort="id",
    policy=ENTERPRISE_POLICY,
    load_options=repo.ENTERPRISE_LOAD,
    title_attr="name",
    validate=validate_enterprise,
    hidden_fields=hidden_enterprise_fields,
    description="企业名录，以统一社会信用代码为唯一标识。",
)

enterprise_services = Register(
    name="enterprise_services",
    label="服务企业记录",
    model=EnterpriseService,
    create_schema=EnterpriseServiceCreate,
    update_schema=EnterpriseServiceUpdate,
    read_schema=EnterpriseServiceRead,
    columns=[
        Column(
            "enterprise_id",
            "企业",
            required=True,
            example="91110000802100433B",
            help="统一社会信用代码，或名录中唯一的企业名称",
            ref=enterprise_ref(),
        ),
        Column(
            "zone_id",
            "高新区",
            required=True,
            example="南京建邺高新区",
            help="企业所属高新区简称",
            ref=zone_ref(),
        ),
        Column(
            "university_id",
            "服务高校",
            required=True,
            example="南京工程学院",
            help="高校名称或学校标识码",
            ref=university_ref(),
        ),
        Column(
            "pairing_id",
            "所属结对",
            example="南京建邺高新区（2025 首批试点）",
            help="可不填；填写时须为该高新区且含服务高校的结对",
            ref=pairing_ref(),
        ),
        Column(
            "service_date",
            "服务日期",
            required=True,
            example="2025-10-15",
            help="格式 YYYY-MM-DD",
        ),
        Column(
            "kind",
            "服务类型",
            required=True,
            example="检测服务",
            help=one_of(ServiceKind),
        ),
        Column("description", "服务内容", example="储能电池安全性能检测"),
        Column(
            "task_area",
            "任务领域",
            example="科技成果转化",
            help=one_of(TaskArea),
        ),
        Column("note", "备注"),
    ],
    natural_key=("enterprise_id", "university_id", "service_date", "kind"),
    search_fields=("enterprise_name", "university_name", "description", "note"),
    filters=(
        Filter("zone_id", "zone_id", "高新区", int),
        Filter("university_id", "university_id", "服务高校", int),
        Filter("enterprise_id", "enterprise_id", "企业", int),
        Filter("pairing_id", "pairing_id", "结对", int),
        Filter("kind", "kind", "服务类型"),
        Filter("task_area", "task_area", "任务领域"),
        Filter("year", "service_year", "服务年份", int),
    ),
    sort_fields=("service_date", "kind", "zone_name", "university_name", "enterprise_name"),
    default_sort="-service_date",
    policy=SERVICE_POLICY,
    load_options=repo.SERVICE_LOAD,
    title_attr="title",
    validate=validate_service,
    description="高校服务企业的记录；“服务企业数”按企业去重统计。",
)
