"""A small world for the planner: two unpaired zones, one paired zone, five universities.

储能区 (南京市) needs battery-safety work that 储能大学 (南京市) offers; 视觉区 (镇江市) needs
machine vision that 视觉大学 (苏州市) offers; 已结对区 (苏州市) is paired with 已结对大学
(徐州市, no supply) and also needs machine vision. 邻市学院 (镇江市) has no supply; 私有大学
(南京市) has only a non-public item on battery safety.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

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
        var_dir=tmp_path, database_url=db_url, secret_key=TEST_SECRET_KEY, encoder="hashing"
    )


@dataclass
class World:
    storage_zone: Any
    vision_zone: Any
    paired_zone: Any
    storage_uni: Any
    vision_uni: Any
    paired_uni: Any
    neighbour_uni: Any
    private_uni: Any
    storage_item: Any
    vision_item: Any
    private_item: Any
    storage_demands: list[Any]
    vision_demand: Any
    paired_demand: Any


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def build_world(session: Session) -> World:
    storage_zone = create_zone(session, name="储能区", city="南京市", level="national")
    vision_zone = create_zone(session, name="视觉区", city="镇江市", level="provincial")
    paired_zone = create_zone(session, name="已结对区", city="苏州市", level="national")
    # Not a target zone (筹建): never planned.
    create_zone(session, name="筹建区", city="南京市", level="provincial_prep")
    storage_uni = create_university(session, name="储能大学", city="南京市")
    vision_uni = create_university(session, name="视觉大学", city="苏州市")
    paired_uni = create_university(session, name="已结对大学", city="徐州市")
    neighbour_uni = create_university(session, name="邻市学院", city="镇江市")
    private_uni = create_university(session, name="私有大学", city="南京市")
    create_university(session, name="外省大学", city="杭州市", province="浙江省")
    storage_item = create_supply_item(
        session,
        storage_uni,
        title="锂电池储能安全预警技术",
        abstract="储能电池热失控早期预警与储能电站安全监测",
        keywords=["储能", "安全预警"],
        discipline_codes=["0808"],
        industry_codes=["C3841"],
    )
    vision_item = create_supply_item(
        session,
        vision_uni,
        title="工业机器视觉缺陷检测系统",
        abstract="基于深度学习的工业机器视觉表面缺陷检测",
        keywords=["机器视觉", "缺陷检测"],
        discipline_codes=["0811"],
        industry_codes=["C3491"],
    )
    private_item = create_supply_item(
        session,
        private_uni,
        title="储能电池热失控安全预警（内部）",
        abstract="储能电池热失控早期预警",
        discipline_codes=["0808"],
        industry_codes=["C3841"],
        is_public=False,
    )
    ent_storage = create_demand_enterprise(session, storage_zone)
    ent_vision = create_demand_enterprise(session, vision_zone)
    ent_paired = create_demand_enterprise(session, paired_zone)
    storage_demands = [
        create_demand(
            session,
            ent_storage,
            title="锂电池储能安全预警",
            description="储能电站电池热失控早期预警",
            industry_code="C3841",
            chain_node="新能源汽车产业 > 储能装置制造",
        ),
        create_demand(
            session,
            ent_storage,
            title="储能电站安全监测",
            description="储能电池安全监测与预警",
            industry_code="C3841",
        ),
    ]
    vision_demand = create_demand(
        session,
        ent_vision,
        title="工业机器视觉缺陷检测",
        description="产线表面缺陷机器视觉检测",
        industry_code="C3491",
    )
    paired_demand = create_demand(
        session,
        ent_paired,
        title="机器视觉表面缺陷检测",
        description="工业机器视觉缺陷检测",
        industry_code="C3491",
    )
    pair_zone_with(session, paired_zone, paired_uni, start_date=dt.date(2025, 7, 31))
    return World(
        storage_zone,
        vision_zone,
        paired_zone,
        storage_uni,
        vision_uni,
        paired_uni,
        neighbour_uni,
        private_uni,
        storage_item,
        vision_item,
        private_item,
        storage_demands,
        vision_demand,
        paired_demand,
    )
