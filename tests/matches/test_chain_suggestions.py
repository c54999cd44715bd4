"""Chain-node suggestions are checked against the need's own words before they are proposed
(issue 16): a stationary-storage need is not tagged with a 新能源汽车 node."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.matches import service
from tests.factories import create_demand

VEHICLE = "新能源汽车"


def test_stationary_storage_need_gets_no_vehicle_chain_node(
    session: Session, settings: Settings
) -> None:
    demand = create_demand(
        session,
        title="电网侧储能电站锂电池储能系统热失控预警",
        description="为大型储能电站的锂离子电池储能系统开发电池管理系统与热失控早期预警，"
        "提升储能装置的安全与循环寿命。",
        keywords=["储能电站", "锂离子电池", "电池管理系统"],
    )
    found = service.suggest_codes_for_demand(session, settings, Actor.system(), demand.id)
    codes = [s.code for s in found.chain_nodes]
    assert len(codes) == 3
    assert [c for c in codes if VEHICLE in c] == []


def test_vehicle_battery_need_still_gets_the_vehicle_storage_node(
    session: Session, settings: Settings
) -> None:
    demand = create_demand(
        session,
        title="新能源汽车动力锂离子电池包热失控预警",
        description="为电动汽车动力电池包开发电池管理系统与热失控早期预警。",
        keywords=["动力电池", "新能源汽车", "电池管理系统"],
    )
    found = service.suggest_codes_for_demand(session, settings, Actor.system(), demand.id)
    assert "新能源汽车产业 > 新能源汽车装置、配件制造 > 新能源汽车储能装置制造" in [
        s.code for s in found.chain_nodes
    ]
