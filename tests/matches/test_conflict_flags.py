"""Match results flag conflicts of interest: the pair of a supply item's researcher and a
demand's enterprise with a declared tie carries ``conflict``; the reason only for the province,
the researcher and their university's administrators, a placeholder for everyone else."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.matches.conflicts import CONFLICT_HIDDEN
from tests.actors import enterprise_user, university_admin, zone_admin
from tests.conftest import ClientFor
from tests.factories import (
    create_conflict_declaration,
    create_demand,
    create_demand_enterprise,
    create_supply_item,
    create_university,
    create_user,
    create_zone,
    pair_zone_with,
)

TOPIC = "储能电站电池热失控安全预警"


def test_conflicted_pair_is_flagged_with_reason_by_role(
    session: Session, client_for: ClientFor
) -> None:
    zone = create_zone(session)
    uni = create_university(session)
    pair_zone_with(session, zone, uni)
    firm = create_demand_enterprise(session, zone)
    demand = create_demand(session, firm, description=TOPIC, keywords=["储能", "热失控"])
    researcher = create_user(session, Role.RESEARCHER, university_id=uni.id)
    tied = create_supply_item(
        session, uni, title="热失控实验数据", abstract=TOPIC, keywords=["储能", "热失控"],
        owner_name="彭老师", owner_user_id=researcher.id,
    )  # fmt: skip
    free = create_supply_item(
        session, uni, title="热失控预警算法", abstract=TOPIC, keywords=["储能", "热失控"]
    )
    create_conflict_declaration(session, researcher, firm, kind="shareholding")
    own = Actor(role=Role.RESEARCHER, user_id=researcher.id, username="r",
                university_id=uni.id)  # fmt: skip
    readers = {
        "province": Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="p"),
        "university": university_admin(uni.id),
        "researcher": own,
        "zone": zone_admin(zone.id),
        "enterprise": enterprise_user(firm.id),
    }
    for who, actor in readers.items():
        resp = client_for(actor).get(f"/api/v1/matches/demands/{demand.id}", params={"top": 10})
        assert resp.status_code == 200, (who, resp.text)
        by_id = {r["id"]: r for r in resp.json()["results"]}
        assert {tied.id, free.id} <= set(by_id), who
        assert by_id[free.id]["conflict"] is False
        assert by_id[free.id]["conflict_reason"] is None
        assert by_id[tied.id]["conflict"] is True, who
        reason = by_id[tied.id]["conflict_reason"]
        if who in ("province", "university", "researcher"):
            assert reason is not None and "持股" in reason and firm.name in reason, who
        else:
            assert reason == CONFLICT_HIDDEN, who
    # From the item's side too.
    resp = client_for(readers["province"]).get(f"/api/v1/matches/supply_items/{tied.id}")
    flagged = {r["id"] for r in resp.json()["results"] if r["conflict"]}
    assert flagged == {demand.id}
