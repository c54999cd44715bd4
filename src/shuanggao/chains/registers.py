"""The industry chain (产业链) and chain node (产业链环节) registers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.chains import repository as repo
from shuanggao.chains.models import ChainNode, IndustryChain
from shuanggao.chains.policy import CHAIN_POLICY, NODE_POLICY, node_hidden
from shuanggao.chains.rules import apply_node_enterprises, validate_chain, validate_node
from shuanggao.chains.schemas import (
    ChainCreate,
    ChainKind,
    ChainRead,
    ChainUpdate,
    NodeCreate,
    NodeRead,
    NodeUpdate,
)
from shuanggao.enterprises.refs import enterprises_ref
from shuanggao.kit.register import Column, Filter, Ref, Register
from shuanggao.zones.models import Zone
from shuanggao.zones.refs import ZONE_HELP, zone_ref

SEPARATOR = "/"


def _resolve_chain(session: Session, text: str) -> int | None:
    """``南京建邺高新区/新型储能``: the zone's short or full name, then the chain's name."""
    zone_name, sep, chain_name = text.strip().partition(SEPARATOR)
    if not sep:
        return None
    zone_id = session.scalar(
        select(Zone.id).where(
            (Zone.name == zone_name.strip()) | (Zone.full_name == zone_name.strip())
        )
    )
    if zone_id is None:
        return None
    found = repo.chain_named(session, int(zone_id), chain_name.strip())
    return None if found is None else found.id


def _render_chain(obj: Any) -> str | None:
    chain = getattr(obj, "chain", None)
    return None if chain is None else f"{chain.zone.name}{SEPARATOR}{chain.name}"


def _chain_name(session: Session, chain_id: int) -> str | None:
    found = repo.chain_with_nodes(session, chain_id)
    return None if found is None else f"{found.zone.name}{SEPARATOR}{found.name}"


def chain_ref() -> Ref:
    return Ref(
        target="industry_chains", resolve=_resolve_chain, render=_render_chain, name_of=_chain_name
    )


industry_chains = Register(
    name="industry_chains",
    label="产业链",
    model=IndustryChain,
    create_schema=ChainCreate,
    update_schema=ChainUpdate,
    read_schema=ChainRead,
    columns=[
        Column("name", "产业链名称", required=True, example="新型储能", help="同一高新区内不重复"),
        Column(
            "zone_id",
            "高新区",
            required=True,
            example="南京建邺高新区",
            help=ZONE_HELP,
            ref=zone_ref(),
        ),
        Column("kind", "类别", example="主导产业", help="、".join(ChainKind.labels())),
        Column("description", "说明"),
        Column("template", "生成模板", help="从模板生成时自动填写"),
        Column("note", "备注"),
    ],
    natural_key=("zone_id", "name"),
    search_fields=("name", "description"),
    filters=(Filter("zone_id", "zone_id", "高新区", int), Filter("kind", "kind", "类别")),
    sort_fields=("name", "kind", "zone_name", "updated_at"),
    default_sort="id",
    policy=CHAIN_POLICY,
    load_options=repo.CHAIN_LOAD,
    title_attr="name",
    validate=validate_chain,
    description="高新区的主导产业和未来产业链，由有序的产业链环节组成。",
)

chain_nodes = Register(
    name="chain_nodes",
    label="产业链环节",
    model=ChainNode,
    create_schema=NodeCreate,
    update_schema=NodeUpdate,
    read_schema=NodeRead,
    columns=[
        Column(
            "chain_id",
            "产业链",
            required=True,
            example="南京建邺高新区/新型储能",
            help="高新区简称/产业链名称",
            ref=chain_ref(),
        ),
        Column("position", "顺序", example="1", help="上游在前，从 0 开始"),
        Column("name", "环节名称", required=True, example="电池管理系统"),
        Column(
            "industry_codes",
            "国民经济行业代码",
            multi=True,
            example="C3849",
            help="GB/T 4754-2017，多个用分号分隔",
        ),
        Column(
            "emerging_paths",
            "战略性新兴产业分类",
            multi=True,
            example="新一代信息技术产业 > 电子核心产业 > 高储能和关键电子材料制造",
            help="分类路径，用 > 分隔；多个用分号分隔",
        ),
        Column("keywords", "关键词", multi=True, example="电池管理系统；荷电状态"),
        Column(
            "enterprise_ids",
            "环节企业",
            multi=True,
            example="江苏林洋储能技术有限公司",
            help="本高新区企业名称或统一社会信用代码，多家用分号分隔",
            ref=enterprises_ref(),
        ),
        Column("description", "说明"),
    ],
    natural_key=("chain_id", "name"),
    search_fields=("name", "description"),
    filters=(
        Filter("zone_id", "zone_id", "高新区", int),
        Filter("chain_id", "chain_id", "产业链", int),
    ),
    sort_fields=("position", "name", "zone_name", "updated_at"),
    default_sort="position",
    policy=NODE_POLICY,
    load_options=repo.NODE_LOAD,
    title_attr="title",
    validate=validate_node,
    apply_extra=apply_node_enterprises,
    description="产业链上的一个环节，对应国民经济行业代码和战略性新兴产业分类，挂接本区企业和产业需求。",
    hidden_fields=node_hidden,
)
