"""A small event world: 储能区 organises, 视觉区 takes part; 储能大学 and 视觉大学 bring
researchers. Three enterprises (storage, vision, chip) and four researchers (storage, vision,
battery data, an unrelated one), with texts the matcher tells apart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.events import service
from shuanggao.events.schemas import EventCreate, RegistrationCreate, Side
from tests.actors import zone_admin
from tests.factories import (
    create_demand,
    create_demand_enterprise,
    create_supply_item,
    create_university,
    create_zone,
)
from tests.harness import TEST_SECRET_KEY


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(
        var_dir=tmp_path, database_url=db_url, secret_key=TEST_SECRET_KEY, encoder="hashing"
    )


@dataclass
class World:
    zone: Any
    other_zone: Any
    outside_zone: Any
    uni: Any
    other_uni: Any
    ents: dict[str, Any]
    demands: dict[str, Any]
    items: dict[str, Any]
    organiser: Actor


def build_world(session: Session) -> World:
    zone = create_zone(session, name="储能区")
    other_zone = create_zone(session, name="视觉区")
    outside_zone = create_zone(session, name="场外区")
    uni = create_university(session, name="储能大学")
    other_uni = create_university(session, name="视觉大学")
    ents = {
        "storage": create_demand_enterprise(session, zone, name="储能科技有限公司"),
        "vision": create_demand_enterprise(session, other_zone, name="视觉智能有限公司"),
        "chip": create_demand_enterprise(session, zone, name="芯片测试有限公司"),
        "outside": create_demand_enterprise(session, outside_zone, name="场外有限公司"),
    }
    demands = {
        "storage": create_demand(
            session,
            ents["storage"],
            title="锂电池储能安全预警",
            description="储能电站锂电池热失控早期预警与安全预测",
            keywords=["储能", "热失控", "安全预警"],
        ),
        "vision": create_demand(
            session,
            ents["vision"],
            title="工业机器视觉缺陷检测",
            description="产线表面缺陷机器视觉检测",
            keywords=["机器视觉", "缺陷检测"],
        ),
        "chip": create_demand(
            session,
            ents["chip"],
            title="芯片测试方案",
            description="集成电路芯片测试方案开发",
            keywords=["芯片测试", "集成电路"],
        ),
        "outside": create_demand(session, ents["outside"], title="场外需求"),
    }
    items = {
        "storage": create_supply_item(
            session,
            uni,
            title="储能电池热失控预警模型",
            abstract="锂电池储能电站热失控早期预警与安全预测",
            keywords=["储能", "热失控", "安全预警"],
            owner_name="王储能",
        ),
        "data": create_supply_item(
            session,
            uni,
            title="锂电池实验数据",
            abstract="多年积累的锂电池储能实验数据",
            keywords=["锂电池", "储能"],
            kind="data",
            owner_name="李数据",
        ),
        "vision": create_supply_item(
            session,
            other_uni,
            title="机器视觉缺陷检测系统",
            abstract="工业机器视觉表面缺陷检测",
            keywords=["机器视觉", "缺陷检测"],
            owner_name="赵视觉",
        ),
        "poetry": create_supply_item(
            session,
            other_uni,
            title="古典诗词格律研究",
            abstract="唐宋诗词格律",
            keywords=["诗词"],
            owner_name="钱诗词",
        ),
    }
    return World(
        zone, other_zone, outside_zone, uni, other_uni, ents, demands, items, zone_admin(zone.id)
    )


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def make_event(session: Session, w: World, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "title": "储能区校企对接会",
        "event_date": dt.date(2025, 7, 10),
        "place": "储能区会议中心",
        "zone_ids": [w.other_zone.id],
        "university_ids": [w.uni.id, w.other_uni.id],
        "slots": ["14:00-14:20", "14:20-14:40"],
        "tables": ["1号桌", "2号桌"],
        "meeting_cap": 2,
    }
    values.update(overrides)
    return service.create_event(session, w.organiser, EventCreate(**values))


def register_all(session: Session, w: World, event: Any) -> dict[str, Any]:
    regs: dict[str, Any] = {}
    for key in ("storage", "vision", "chip"):
        regs[key] = service.register(
            session,
            w.organiser,
            event.id,
            RegistrationCreate(
                side=Side.ENTERPRISE,
                enterprise_id=w.ents[key].id,
                demand_ids=[w.demands[key].id],
            ),
        )
    for key, uni, name, user in (
        ("r_storage", w.uni, "王储能", 501),
        ("r_data", w.uni, "李数据", 502),
        ("r_vision", w.other_uni, "赵视觉", 503),
        ("r_poetry", w.other_uni, "钱诗词", 504),
    ):
        item = w.items[key.removeprefix("r_")]
        regs[key] = service.register(
            session,
            w.organiser,
            event.id,
            RegistrationCreate(
                side=Side.RESEARCHER,
                university_id=uni.id,
                researcher_name=name,
                researcher_user_id=user,
                supply_item_ids=[item.id],
            ),
        )
    return regs
