"""Opting out of machine matching (PIPL 24; checklist PI-04, PI-07): a researcher who withdraws
is left out of every suggestion from the next request, and comes back when they opt in again;
every result says it is a machine suggestion and names the model version."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.accounts.models import ConsentRecord
from shuanggao.actor import Actor, Role
from tests.conftest import ClientFor
from tests.factories import create_supply_item, create_university, create_user

TOPIC = "储能电站电池热失控安全预警"


def _ids(body: dict[str, object]) -> set[object]:
    return {r["id"] for r in body["results"]}  # type: ignore[index, union-attr]


def test_opted_out_researcher_is_not_suggested(
    app: FastAPI, session: Session, client_for: ClientFor
) -> None:
    uni = create_university(session)
    researcher = create_user(session, "researcher", university_id=uni.id)
    mine = create_supply_item(
        session,
        uni,
        kind="expert",
        title="储能系统安全团队",
        owner_name="王老师",
        owner_user_id=researcher.id,
        abstract=TOPIC + "研究",
        keywords=["储能", "热失控"],
    )
    other = create_supply_item(
        session,
        uni,
        kind="data",
        title="储能电池热失控实验数据",
        owner_name="李老师",
        abstract=TOPIC + "实验数据",
        keywords=["储能", "热失控"],
    )
    session.flush()
    province = Actor(role=Role.PROVINCE_ADMIN, user_id=None, username="p")

    def search() -> dict[str, object]:
        resp = client_for(province).get("/api/v1/matches/text", params={"text": TOPIC, "top": 20})
        assert resp.status_code == 200, resp.text
        return resp.json()  # type: ignore[no-any-return]

    before = search()
    assert _ids(before) == {mine.id, other.id}
    assert before["label"] == "机器推荐"
    assert str(before["model_version"]).startswith("shuanggao-matching ")

    out = client_for(researcher.actor()).post(
        "/api/v1/auth/consent/matching", json={"allowed": False}
    )
    assert out.status_code == 200 and out.json()["matching_allowed"] is False, out.text
    after = search()
    assert _ids(after) == {other.id}
    assert any("撤回" in f for f in after["filters_applied"])  # type: ignore[union-attr]

    back = client_for(researcher.actor()).post(
        "/api/v1/auth/consent/matching", json={"allowed": True}
    )
    assert back.status_code == 200 and back.json()["matching_allowed"] is True
    assert _ids(search()) == {mine.id, other.id}
    rows = session.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.user_id == researcher.id)
        .order_by(ConsentRecord.id)
    ).all()
    assert [(r.purpose, r.granted, r.withdrawn_at is not None) for r in rows] == [
        ("matching", False, True),
        ("matching", True, False),
    ]
