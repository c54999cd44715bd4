"""Registers of the programme's public baseline: facts and the policy lists.

The province keeps them (everyone reads); ``shuanggao reference load`` fills them from the
shipped files, every row with its source.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.kit.policy import PublicRead
from shuanggao.kit.register import Column, Filter, Register
from shuanggao.programme.models import PolicyItem, ProgrammeFact, ProgrammeFactUniversity
from shuanggao.programme.repository import FACT_LOAD_OPTIONS
from shuanggao.programme.rules import validate_fact
from shuanggao.programme.schemas import (
    PolicyItemCreate,
    PolicyItemRead,
    PolicyItemUpdate,
    ProgrammeFactCreate,
    ProgrammeFactRead,
    ProgrammeFactUpdate,
)
from shuanggao.zones.refs import zone_ref


def _apply_fact_universities(session: Session, obj: ProgrammeFact, extra: dict[str, Any]) -> None:
    if "university_ids" not in extra or extra["university_ids"] is None:
        return
    wanted = list(dict.fromkeys(extra["university_ids"]))
    session.refresh(obj, attribute_names=["links"])
    current = {link.university_id: link for link in obj.links}
    for uid, link in current.items():
        if uid not in wanted:
            obj.links.remove(link)
    for uid in wanted:
        if uid not in current:
            obj.links.append(ProgrammeFactUniversity(university_id=uid))


programme_facts = Register(
    name="programme_facts",
    label="试点公开信息",
    model=ProgrammeFact,
    create_schema=ProgrammeFactCreate,
    update_schema=ProgrammeFactUpdate,
    read_schema=ProgrammeFactRead,
    columns=[
        Column("scope", "高新区或范围", required=True, example="无锡高新区"),
        Column(
            "zone_id",
            "关联高新区",
            example="无锡高新区",
            help="登记在册的高新区名称；“全省”等范围留空",
            ref=zone_ref(full_name=False),
        ),
        Column("universities", "涉及高校", example="江南大学", help="按报道原文填写"),
        Column("kind", "类别", required=True, example="基金与资金"),
        Column("name", "事项", required=True, example="成果转化基金（揭牌）"),
        Column("figure", "数值", example="1"),
        Column("unit", "单位", example="亿元"),
        Column("fact_date", "日期", example="2025-09-01"),
        Column(
            "source_url", "来源网址", example="http://news.jiangnan.edu.cn/info/1092/103131.htm"
        ),
        Column("note", "备注"),
    ],
    natural_key=("scope", "kind", "name"),
    search_fields=("scope", "name", "universities", "note"),
    filters=(
        Filter("kind", "kind", "类别"),
        Filter("zone_id", "zone_id", "高新区", int),
        Filter("scope", "scope", "范围"),
    ),
    sort_fields=("fact_date", "kind", "scope", "name"),
    default_sort="id",
    policy=PublicRead(),
    load_options=FACT_LOAD_OPTIONS,
    validate=validate_fact,
    apply_extra=_apply_fact_universities,
    description="公开报道中的试点事实：清单、基金、平台、活动与全省汇总，每条附来源。",
)

policy_items = Register(
    name="policy_items",
    label="政策与改革清单",
    model=PolicyItem,
    create_schema=PolicyItemCreate,
    update_schema=PolicyItemUpdate,
    read_schema=PolicyItemRead,
    columns=[
        Column(
            "list_kind",
            "清单",
            required=True,
            example="政策指南清单",
            help="政策指南清单或改革指引清单",
        ),
        Column("no", "序号", required=True, example="1"),
        Column("title", "条目", required=True, example="深入推进“一园区一产业一赛道”工程"),
        Column("issuer", "印发机关与责任单位"),
        Column("issued_date", "印发日期", example="2025-09-10"),
        Column("summary", "内容摘要"),
        Column("applies_to", "适用对象", example="试点高新区、结对高校"),
        Column(
            "audience_roles",
            "适用角色",
            multi=True,
            example="学生；导师",
            help="平台角色，首页向这些角色展示本条",
        ),
        Column("org_kinds", "适用单位类型", multi=True, example="高新区；高校"),
        Column("conditions", "适用条件"),
        Column("source_url", "原文链接"),
        Column("note", "备注"),
    ],
    natural_key=("list_kind", "no"),
    search_fields=("title", "summary", "applies_to", "issuer", "conditions"),
    filters=(Filter("list_kind", "list_kind", "清单"),),
    sort_fields=("no", "list_kind", "title", "issued_date"),
    default_sort="id",
    policy=PublicRead(),
    title_attr="title",
    description="《“双高协同”政策指南清单》《“双高协同”改革指引清单》（2025-09-10）的条目。",
)
