"""The personal-information inventory (PI-01) and masking by role (PI-02), through every register
and every role: no undeclared personal column, no full value to a role that may not see it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao import domains, personal
from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.db.base import Base
from shuanggao.enterprises.models import Enterprise
from shuanggao.kit.register import all_registers
from tests.conftest import ClientFor
from tests.factories import (
    create_demand,
    create_enterprise,
    create_pairing,
    create_university,
    create_zone,
)

# Column names that hold personal information wherever they appear. A new column with such a
# name fails the test until the inventory declares it (or NOT_PERSONAL says why it is not).
PERSONAL_NAME = re.compile(
    r"phone|mobile|e?mail|id_number|id_card|identity|passport|birth|address_home|"
    r"person|contact|owner_name|display_name|actor_name|username|real_name|gender"
)
NOT_PERSONAL: dict[tuple[str, str], str] = {
    # The account name is the sign-in identifier (a pseudonym the user chooses), shown to the
    # administrators who manage the account and in the audit trail, which needs it.
    ("app_user", "username"): "sign-in identifier",
    ("audit_event", "actor_name"): "the username, kept as the audit trail's actor",
    ("import_job", "actor_name"): "the username of who ran the import",
    ("report_event", "username"): "the username of who acted on a report (its history's actor)",
    ("supply_item", "owner_user_id"): "an account id, not information about the person",
    ("enterprise", "phone_hash"): "keyed hash (HMAC) of the sealed phone, for exact lookup only",
    ("demand", "phone_hash"): "keyed hash (HMAC) of the sealed phone, for exact lookup only",
    ("collaboration_step", "actor_name"): "the username of who recorded the step",
    ("collaboration", "contacted_date"): "the date the sides first made contact (已联系)",
}

PHONE_E = "13700001111"
PHONE_D = "13622223333"


def test_masks() -> None:
    assert personal.mask_phone("13812345678") == "138****5678"
    assert personal.mask_phone("025-8479-1234") == "025-****-1234"
    assert personal.mask_phone("12345") == "*****"
    assert personal.mask_id_number("320102199001011234") == "320***********1234"
    assert personal.mask_name("张三丰") == "张**"
    assert personal.mask_name("李") == "李"


def test_every_personal_column_is_declared_and_every_declaration_exists() -> None:
    domains.load()
    columns = {
        (table.name, column.name) for table in Base.metadata.tables.values() for column in table.c
    }
    declared = {pf.key for pf in personal.INVENTORY}
    assert declared <= columns, declared - columns
    looks_personal = {key for key in columns if PERSONAL_NAME.search(key[1])}
    undeclared = looks_personal - declared - set(NOT_PERSONAL)
    assert undeclared == set()
    assert set(NOT_PERSONAL) <= columns
    for pf in personal.INVENTORY:
        assert pf.category and pf.purpose and pf.legal_basis and pf.retention, pf.key


def test_the_audit_trail_masks_every_masked_personal_field() -> None:
    from shuanggao.audit.service import MASKED_KEYS

    for pf in personal.INVENTORY:
        if pf.mask is not personal.mask_name:
            assert pf.field in MASKED_KEYS, pf.key


@dataclass
class World:
    enterprise: Enterprise
    demand_id: int
    actors: dict[str, Actor]


@pytest.fixture
def world(session: Session, app: FastAPI) -> World:
    # ``app`` first: building it installs the audit triggers, before this test writes.
    zone, other_zone = create_zone(session), create_zone(session)
    university = create_university(session)
    create_pairing(session, zone, [university])
    ent = create_enterprise(session, zone, contact_person="王经理", phone=PHONE_E)
    other_ent = create_enterprise(session, zone)
    demand = create_demand(session, ent, contact_person="王经理", phone=PHONE_D)
    uni = {"university_id": university.id}
    actors = {
        "province": Actor(role=Role.PROVINCE_ADMIN, user_id=901, username="p"),
        "auditor": Actor(role=Role.AUDITOR, user_id=902, username="a"),
        "zone": Actor(role=Role.ZONE_ADMIN, user_id=903, username="z", zone_id=zone.id),
        "other_zone": Actor(
            role=Role.ZONE_ADMIN, user_id=904, username="z2", zone_id=other_zone.id
        ),
        "enterprise": Actor(
            role=Role.ENTERPRISE_USER, user_id=905, username="e", enterprise_id=ent.id
        ),
        "other_enterprise": Actor(
            role=Role.ENTERPRISE_USER, user_id=906, username="e2", enterprise_id=other_ent.id
        ),
        "university_admin": Actor(role=Role.UNIVERSITY_ADMIN, user_id=907, username="u", **uni),
        "researcher": Actor(role=Role.RESEARCHER, user_id=908, username="r", **uni),
        "student": Actor(role=Role.STUDENT, user_id=909, username="s", **uni),
        "mentor": Actor(role=Role.MENTOR, user_id=910, username="m", **uni),
        "security": Actor(role=Role.SECURITY_ADMIN, user_id=911, username="sec"),
    }
    assert {a.role for a in actors.values()} == set(Role)
    return World(ent, demand.id, actors)


# Who sees each phone in full: those who keep the row (kit.personal: keepers_only).
FULL = {"zone": {PHONE_E, PHONE_D}, "enterprise": {PHONE_E, PHONE_D}}
# Who reads each row with the phone masked (university roles do not see enterprise contacts).
MASKED_E = {"province", "auditor"}
MASKED_D = {"province", "auditor", "other_enterprise", "other_zone", "university_admin",
            "researcher", "student", "mentor"}  # fmt: skip


def everything_served(client: TestClient, world: World) -> list[str]:
    texts: list[str] = []
    for reg in all_registers():
        texts.append(client.get(f"/api/v1/{reg.name}", params={"page_size": 200}).text)
        export = client.get(f"/api/v1/exports/{reg.name}", params={"format": "csv"})
        texts.append(export.content.decode("utf-8-sig", errors="replace"))
    for name, obj_id in (("enterprises", world.enterprise.id), ("demands", world.demand_id)):
        for path in (f"/r/{name}", f"/r/{name}/{obj_id}", f"/r/{name}/{obj_id}/edit"):
            texts.append(client.get(path).text)
        texts.append(client.get(f"/api/v1/{name}/{obj_id}").text)
    return texts


def test_no_full_phone_leaves_the_server_to_a_role_that_may_not_see_it(
    world: World, client_for: ClientFor
) -> None:
    for who, actor in world.actors.items():
        client = client_for(actor)
        served = "\n".join(everything_served(client, world))
        allowed = FULL.get(who, set())
        for phone in (PHONE_E, PHONE_D):
            assert (phone in served) is (phone in allowed), (who, phone)

        ent = client.get(f"/api/v1/enterprises/{world.enterprise.id}")
        if who == "security":  # 三权分立: no programme row at all, masked or not
            assert ent.status_code == 404
            assert client.get(f"/api/v1/demands/{world.demand_id}").status_code == 404
            assert "136****3333" not in served and "137****1111" not in served
            continue
        if who in MASKED_E:
            assert ent.json()["phone"] == "137****1111", who
        elif who in FULL:
            assert ent.json()["phone"] == PHONE_E, who
        elif ent.status_code == 200:
            assert ent.json()["phone"] is None, who  # hidden from university roles
        demand = client.get(f"/api/v1/demands/{world.demand_id}")
        assert demand.status_code == 200, who
        expected = PHONE_D if who in FULL else "136****3333"
        assert demand.json()["phone"] == expected, who
        if who in MASKED_D:
            assert "136****3333" in served, who


def test_a_masked_value_sent_back_keeps_the_stored_one(
    world: World, client_for: ClientFor, session: Session
) -> None:
    client = client_for(world.actors["province"])
    body = client.get(f"/api/v1/enterprises/{world.enterprise.id}").json()
    assert body["phone"] == "137****1111"
    resp = client.patch(
        f"/api/v1/enterprises/{world.enterprise.id}",
        json={"phone": body["phone"], "contact_person": "赵主任", "version": body["version"]},
    )
    assert resp.status_code == 200, resp.text
    session.expire_all()
    stored = session.get(Enterprise, world.enterprise.id)
    assert stored is not None
    assert (stored.phone, stored.contact_person) == (PHONE_E, "赵主任")
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "enterprises").order_by(AuditEvent.id.desc())
    ).first()
    assert event is not None and event.after is not None
    assert PHONE_E not in str(event.before) + str(event.after)


def test_a_masked_value_is_never_stored_as_a_new_one(
    world: World, client_for: ClientFor, session: Session
) -> None:
    zone = client_for(world.actors["zone"])
    body = zone.get(f"/api/v1/enterprises/{world.enterprise.id}").json()
    resp = zone.patch(
        f"/api/v1/enterprises/{world.enterprise.id}",
        json={"phone": "137****2222", "version": body["version"]},
    )
    assert resp.status_code == 422, resp.text
    assert resp.json()["fields"] == {"phone": "请填写完整的号码，不能包含“*”。"}
    session.expire_all()
    stored = session.get(Enterprise, world.enterprise.id)
    assert stored is not None and (stored.phone, stored.version) == (PHONE_E, body["version"])


def test_an_export_with_masked_phones_reimports_without_changing_them(
    world: World, client_for: ClientFor, session: Session
) -> None:
    client = client_for(world.actors["province"])
    export = client.get("/api/v1/exports/enterprises", params={"format": "csv"})
    assert export.status_code == 200
    data = export.content
    assert "137****1111" in data.decode("utf-8-sig") and PHONE_E not in data.decode("utf-8-sig")
    resp = client.post("/api/v1/imports/enterprises", files={"file": ("企业.csv", data)})
    assert resp.status_code == 200, resp.text
    assert (resp.json()["created"], resp.json()["updated"]) == (0, 0)
    session.expire_all()
    assert session.get(Enterprise, world.enterprise.id).phone == PHONE_E  # type: ignore[union-attr]

    # The same masked number on another row is not that row's number: refused.
    text = data.decode("utf-8-sig")
    other = next(line for line in text.splitlines()[1:] if "137****1111" not in line)
    lines = [text.splitlines()[0], other]
    header = lines[0].split(",")
    cells = other.split(",")
    cells[header.index("联系电话")] = "137****1111"
    bad = "\n".join([lines[0], ",".join(cells)]).encode("utf-8-sig")
    resp = client.post("/api/v1/imports/enterprises", files={"file": ("企业.csv", bad)})
    assert resp.status_code == 422, resp.text
    assert [(e["column"], e["code"]) for e in resp.json()["errors"]] == [("联系电话", "invalid")]
