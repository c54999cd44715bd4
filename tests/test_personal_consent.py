"""A researcher's profile reaches enterprises only with the researcher's consent (PIPL 13–15;
checklist PI-03, PI-04; ``personal.PROFILE_TO_ENTERPRISES``).

An enterprise user walks every place it can read a researcher's name — the supply register's API,
pages and export, text and demand matching, the experts behind a demand, the match pages, a
collaboration's steps — before the researcher consents, after, and after withdrawing. Without
consent the item and its university are there, the person is not. (Event meetings:
``tests/events/test_consent.py``; the practice record: ``tests/mentoring/test_consent.py``.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from shuanggao import personal
from shuanggao.accounts.models import ConsentRecord
from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from tests.conftest import ClientFor
from tests.factories import (
    create_demand,
    create_demand_enterprise,
    create_match,
    create_pairing,
    create_supply_item,
    create_university,
    create_user,
    create_zone,
)

NAME = "彭纪昌"
UNSHOWN = "某专家（未授权展示）"
TOPIC = "储能电站锂电池热失控早期预警与安全预测"
PROFILE = personal.PROFILE_TO_ENTERPRISES


@dataclass
class World:
    researcher: Any
    item: Any
    demand: Any
    match: Any
    firm: Actor
    province: Actor


@pytest.fixture
def world(session: Session, client_for: ClientFor) -> World:
    # ``client_for`` first: building the app installs the audit triggers before this test writes.
    zone, uni = create_zone(session), create_university(session, name="储能大学")
    create_pairing(session, zone, [uni])
    ent = create_demand_enterprise(session, zone)
    demand = create_demand(
        session, ent, title="锂电池储能安全预警", description=TOPIC, keywords=["储能", "热失控"]
    )
    researcher = create_user(session, Role.RESEARCHER, university_id=uni.id)
    item = create_supply_item(
        session,
        uni,
        kind="expert",
        title="储能系统安全团队",
        owner_name=NAME,
        owner_user_id=researcher.id,
        abstract=TOPIC,
        keywords=["储能", "热失控", "安全预警"],
    )
    match = create_match(session, demand, item)
    session.flush()
    firm = Actor(role=Role.ENTERPRISE_USER, user_id=960, username="firm", enterprise_id=ent.id)
    province = Actor(role=Role.PROVINCE_ADMIN, user_id=961, username="p")
    return World(researcher, item, demand, match, firm, province)


def _served(client_for: ClientFor, w: World, collab_id: int) -> dict[str, str]:
    client = client_for(w.firm)
    item = client.get(f"/api/v1/supply_items/{w.item.id}")
    assert item.status_code == 200, item.text
    out = {"owner_name": str(item.json()["owner_name"])}
    for path, params in (
        ("/api/v1/supply_items", {"page_size": 200}),
        ("/api/v1/exports/supply_items", {"format": "csv"}),
        ("/r/supply_items", {}),
        (f"/r/supply_items/{w.item.id}", {}),
        ("/api/v1/matches/text", {"text": TOPIC}),
        (f"/api/v1/matches/demands/{w.demand.id}", {}),
        (f"/api/v1/matches/demands/{w.demand.id}/experts", {}),
        (f"/demands/{w.demand.id}/matches", {}),
        (f"/supply_items/{w.item.id}/matches", {}),
        (f"/api/v1/pipeline/collaborations/{collab_id}", {}),
        (f"/pipeline/{collab_id}", {}),
    ):
        resp = client.get(path, params=params)
        assert resp.status_code == 200, (path, resp.status_code, resp.text[:300])
        out[path] = resp.content.decode("utf-8-sig")
    return out


def test_enterprises_see_a_researcher_only_with_consent(
    session: Session, client_for: ClientFor, world: World
) -> None:
    w = world

    def researcher() -> Any:  # the override is app-wide: a new client per step
        return client_for(w.researcher.actor())

    # A collaboration in which the researcher logs a university-side step under their name.
    started = client_for(w.firm).post(
        "/api/v1/pipeline/collaborations", json={"match_id": w.match.id}
    )
    assert started.status_code == 201, started.text
    collab = started.json()
    step = researcher().post(
        f"/api/v1/pipeline/collaborations/{collab['id']}/advance",
        json={"version": collab["version"], "owner": NAME},
    )
    assert step.status_code == 200, step.text

    def walk(shown: bool) -> None:
        served = _served(client_for, w, collab["id"])
        assert served.pop("owner_name") == (NAME if shown else UNSHOWN)
        for path, text in served.items():
            assert (NAME in text) is shown, path
        # Every match and expert result is there either way: the item, not the person, is shown.
        experts = served[f"/api/v1/matches/demands/{w.demand.id}/experts"]
        assert "储能大学" in experts and (UNSHOWN in experts) is not shown
        assert "储能系统安全团队" in served["/api/v1/matches/text"]

    walk(shown=False)  # never given
    given = researcher().post(
        "/api/v1/auth/consent/purposes", json={"purpose": PROFILE, "granted": True}
    )
    assert given.status_code == 200, given.text
    state = {p["purpose"]: p for p in given.json()["purposes"]}
    assert state[PROFILE]["granted"] is True and state[PROFILE]["notice_version"]
    walk(shown=True)
    withdrawn = researcher().post(
        "/api/v1/auth/consent/purposes", json={"purpose": PROFILE, "granted": False}
    )
    assert withdrawn.status_code == 200
    assert {p["purpose"]: p["granted"] for p in withdrawn.json()["purposes"]} == {PROFILE: False}
    walk(shown=False)  # at once, on the next request

    # Others who read the item keep seeing the person (the consent is about enterprises).
    province = client_for(w.province).get(f"/api/v1/supply_items/{w.item.id}").json()
    assert province["owner_name"] == NAME
    # Searching by the name does not tell an enterprise which items are the person's.
    found = client_for(w.province).get("/api/v1/supply_items", params={"q": NAME})
    assert found.json()["total"] == 1
    found = client_for(w.firm).get("/api/v1/supply_items", params={"q": NAME})
    assert found.json()["total"] == 0
    found = client_for(w.firm).get("/api/v1/supply_items", params={"q": "储能系统安全"})
    assert found.json()["total"] == 1

    # The person's own download lists the decisions per purpose, with version and times.
    held = researcher().get("/api/v1/me/personal-data", params={"format": "json"})
    assert held.status_code == 200, held.text
    decided = [
        (r["事项代码"], r["同意"], r["规则版本"], r["撤回时间"] is not None)
        for r in held.json()["授权记录"]
        if r["事项代码"] == PROFILE
    ]
    assert decided == [
        (PROFILE, True, state[PROFILE]["notice_version"], True),
        (PROFILE, False, state[PROFILE]["notice_version"], False),
    ]

    session.expire_all()
    rows = session.query(ConsentRecord).filter_by(user_id=w.researcher.id, purpose=PROFILE).all()
    assert [(r.granted, r.withdrawn_at is not None) for r in sorted(rows, key=lambda r: r.id)] == [
        (True, True),
        (False, False),
    ]
    audited = (
        session.query(AuditEvent)
        .filter_by(action="consent", entity="users", entity_id=str(w.researcher.id))
        .count()
    )
    assert audited == 2


def test_a_purpose_that_is_not_the_role_s_is_refused(
    session: Session, client_for: ClientFor, world: World
) -> None:
    student = create_user(session, Role.STUDENT, university_id=world.item.university_id)
    session.flush()
    resp = client_for(student.actor()).post(
        "/api/v1/auth/consent/purposes", json={"purpose": PROFILE, "granted": True}
    )
    assert (resp.status_code, resp.json()["error"]) == (422, "validation_error")
    assert set(resp.json()["fields"]) == {"purpose"}
    session.expire_all()
    assert session.query(ConsentRecord).filter_by(user_id=student.id).count() == 0
    bad = client_for(world.researcher.actor()).post(
        "/api/v1/auth/consent/purposes", json={"purpose": "processing", "granted": False}
    )
    assert bad.status_code == 422


def test_the_consent_table_named_in_personal_matches_the_model() -> None:
    table = ConsentRecord.__table__
    assert personal.CONSENT_TABLE.name == table.name
    assert set(personal.CONSENT_TABLE.c.keys()) <= set(table.c.keys())
    width = table.c["purpose"].type.length
    assert all(
        len(p) <= width for p in (personal.PROFILE_TO_ENTERPRISES, personal.PRACTICE_TO_MENTOR)
    )
