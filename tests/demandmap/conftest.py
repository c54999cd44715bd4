"""Chain map tests: keyword matching only (deterministic and fast), and a small world."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.chains import service as chains_service
from shuanggao.config import Settings
from tests.factories import (
    create_demand,
    create_demand_enterprise,
    create_supply_item,
    create_university,
    create_zone,
    pair_zone_with,
)
from tests.harness import TEST_SECRET_KEY


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(
        var_dir=tmp_path, database_url=db_url, secret_key=TEST_SECRET_KEY, encoder="none"
    )


@dataclass
class MapWorld:
    zone: Any
    zone_b: Any
    paired: Any
    other: Any
    enterprise: Any
    chain: Any
    nodes: dict[str, Any]
    demands: dict[str, Any]
    items: dict[str, Any]
    zone_admin: Actor
    zone_b_admin: Actor
    province: Actor


@pytest.fixture
def world(session: Session, app: FastAPI) -> MapWorld:
    """(``app`` first: building it touches the database before this test's transaction.)"""
    zone = create_zone(session, name="甲高新区")
    zone_b = create_zone(session, name="乙高新区")
    paired = create_university(session, name="结对大学")
    other = create_university(session, name="其他大学")
    pair_zone_with(session, zone, paired)
    ent = create_demand_enterprise(session, zone, name="甲储能有限公司")
    province = Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="province")
    chain = chains_service.apply_template(session, province, "新型储能", zone.id)
    nodes = {n.name: n for n in chain.nodes}
    demands = {
        "safety": create_demand(
            session,
            ent,
            title="储能电站热失控安全预警",
            description="锂电池储能电站热失控早期安全预警与安全预测模型",
            keywords=["热失控", "安全预警"],
            industry_code="C3841",
        ),
        "resist": create_demand(
            session,
            ent,
            title="光刻胶树脂国产化",
            description="ArF 光刻胶树脂合成与纯化技术",
            keywords=["光刻胶", "树脂合成"],
        ),
        "blade": create_demand(
            session,
            ent,
            title="航空发动机单晶叶片定向凝固",
            description="高温合金单晶叶片定向凝固铸造工艺与缺陷控制",
        ),
        "internal": create_demand(
            session,
            ent,
            title="内部需求：储能安全运维",
            description="储能电站安全运维与热失控预警",
            visibility="admins",
        ),
    }
    items = {
        "safety": create_supply_item(
            session,
            paired,
            kind="data",
            title="储能电站热失控安全预警算法",
            abstract="面向锂电池储能电站的热失控早期安全预警与安全预测模型",
            keywords=["热失控", "安全预警", "储能电站"],
            owner_name="李老师",
            discipline_codes=["0808"],
        ),
        "tea": create_supply_item(
            session,
            paired,
            title="茶叶加工工艺",
            abstract="绿茶杀青与揉捻工艺",
            discipline_codes=["0808"],
        ),
        "resist": create_supply_item(
            session,
            other,
            title="光刻胶树脂合成与纯化技术",
            abstract="ArF 光刻胶树脂合成与纯化",
            keywords=["光刻胶", "树脂合成"],
            owner_name="王老师",
            discipline_codes=["0817"],
        ),
    }
    # Coverage counts only terms the supply index knows: these private items put the blade
    # need's words into the vocabulary, so its coverage by 茶叶加工工艺 is honest (a gap).
    for i, text in enumerate(
        (
            "航空发动机维修",
            "高温合金检测",
            "单晶硅片",
            "风电叶片",
            "定向凝固炉",
            "铸造缺陷",
            "缺陷控制",
        )
    ):
        create_supply_item(session, other, title=f"词表条目{i}", abstract=text, is_public=False)
    for key, node in (("safety", "运维与安全"), ("resist", "正负极材料"), ("blade", "系统集成")):
        demands[key].chain_node_id = nodes[node].id
    demands["internal"].chain_node_id = nodes["运维与安全"].id
    session.flush()
    return MapWorld(
        zone=zone,
        zone_b=zone_b,
        paired=paired,
        other=other,
        enterprise=ent,
        chain=chain,
        nodes=nodes,
        demands=demands,
        items=items,
        zone_admin=Actor(role=Role.ZONE_ADMIN, user_id=3, username="za", zone_id=zone.id),
        zone_b_admin=Actor(role=Role.ZONE_ADMIN, user_id=4, username="zb", zone_id=zone_b.id),
        province=province,
    )
