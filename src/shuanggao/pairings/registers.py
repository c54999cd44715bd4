"""The pairing (结对) and 五个一 registers."""

from __future__ import annotations

from shuanggao.kit.register import Column, Filter, Register
from shuanggao.pairings import repository as repo
from shuanggao.pairings.models import Pairing, PilotElement
from shuanggao.pairings.policy import PAIRING_POLICY, PilotElementPolicy
from shuanggao.pairings.refs import pairing_ref, universities_ref
from shuanggao.pairings.rules import apply_pairing_members, validate_element, validate_pairing
from shuanggao.pairings.schemas import (
    PairingCreate,
    PairingRead,
    PairingUpdate,
    PilotElementCreate,
    PilotElementRead,
    PilotElementUpdate,
    one_of,
)
from shuanggao.programme.enums import FiveOneKind
from shuanggao.zones.refs import ZONE_HELP, zone_ref

pairings = Register(
    name="pairings",
    label="结对",
    model=Pairing,
    create_schema=PairingCreate,
    update_schema=PairingUpdate,
    read_schema=PairingRead,
    columns=[
        Column(
            "zone_id",
            "高新区",
            required=True,
            example="无锡高新区",
            help=ZONE_HELP,
            ref=zone_ref(),
        ),
        Column(
            "university_ids",
            "结对高校",
            required=True,
            multi=True,
            example="江南大学；无锡学院",
            help="高校名称（或学校标识码），多所用分号分隔，第一所为牵头高校",
            ref=universities_ref(),
        ),
        Column(
            "batch",
            "批次",
            required=True,
            example="2025 首批试点",
            help="2025 首批试点、2026 扩面、2027 全覆盖或其他；每个高新区每批次一条结对",
        ),
        Column("start_date", "结对日期", example="2025-07-15", help="格式 YYYY-MM-DD"),
        Column("status", "状态", example="实施中", help="筹备、实施中或已终止；默认筹备"),
        Column("industry_direction", "产业方向", example="集成电路测试"),
        Column(
            "industry_codes",
            "国民经济行业代码",
            multi=True,
            example="C3973",
            help="GB/T 4754-2017 代码，多个用分号分隔",
        ),
        Column(
            "emerging_codes",
            "战略性新兴产业分类代码",
            multi=True,
            example="1.2.1",
            help="战略性新兴产业分类（2018）代码，多个用分号分隔",
        ),
        Column("source_url", "来源", example="https://kxjst.jiangsu.gov.cn/", help="来源网址"),
        Column("source_date", "来源日期", example="2025-08-04", help="格式 YYYY-MM-DD"),
        Column("note", "备注"),
    ],
    natural_key=("zone_id", "batch"),
    search_fields=("zone_name", "industry_direction", "note"),
    filters=(
        Filter("zone_id", "zone_id", "高新区", int),
        Filter("university_id", "member_university_id", "结对高校", int),
        Filter("batch", "batch", "批次"),
        Filter("status", "status", "状态"),
        Filter("year", "start_year", "结对年份", int),
    ),
    sort_fields=("zone_name", "start_date", "batch", "status"),
    default_sort="id",
    policy=PAIRING_POLICY,
    load_options=repo.PAIRING_LOAD,
    title_attr="title",
    validate=validate_pairing,
    apply_extra=apply_pairing_members,
    description="高新区与高校的结对（一区多校），含批次、状态与约定产业方向。",
)

pilot_elements = Register(
    name="pilot_elements",
    label="“五个一”事项",
    model=PilotElement,
    create_schema=PilotElementCreate,
    update_schema=PilotElementUpdate,
    read_schema=PilotElementRead,
    columns=[
        Column(
            "pairing_id",
            "结对",
            required=True,
            example="无锡高新区（2025 首批试点）",
            help="高新区简称加括号内的批次；该高新区只有一条结对时可只填高新区简称",
            ref=pairing_ref(),
        ),
        Column(
            "kind",
            "类别",
            required=True,
            example="一个科创平台",
            help=one_of(FiveOneKind),
        ),
        Column("title", "事项名称", required=True, example="集成电路测试联合实验室"),
        Column("status", "进展", example="推进中", help="未启动、推进中或已落地；默认未启动"),
        Column("owner", "责任人/单位", example="无锡学院科技处"),
        Column("evidence", "佐证材料", example="2025 年 9 月签署共建协议"),
        Column("evidence_url", "佐证网址", example="https://www.cwxu.edu.cn/"),
        Column("status_date", "进展日期", example="2025-09-30", help="格式 YYYY-MM-DD"),
        Column("note", "备注"),
    ],
    natural_key=("pairing_id", "kind", "title"),
    search_fields=("title", "owner", "evidence"),
    filters=(
        Filter("pairing_id", "pairing_id", "结对", int),
        Filter("kind", "kind", "类别"),
        Filter("status", "status", "进展"),
    ),
    sort_fields=("kind", "status", "status_date", "title"),
    default_sort="id",
    policy=PilotElementPolicy(),
    load_options=repo.ELEMENT_LOAD,
    title_attr="title",
    validate=validate_element,
    description="各结对“五个一”体系的事项：进展、责任人与佐证。",
)
