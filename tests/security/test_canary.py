"""Canary sweep: secrets planted in demands appear in no response to anyone who may not see them.

Group A (a zone, its paired university, an enterprise in the zone) owns three demands:

- 匿名发布 (anonymous): its content is open, but the enterprise behind it (name, contact
  person, phone) is shown only to the zone, the enterprise, the province and auditors;
- 仅管理员 (admins only): the zone, the enterprise, the province and auditors;
- 仅结对高校 (paired): additionally the users of universities paired with the zone.

Every GET route of the app — the JSON API from the OpenAPI document, exports, match results
and the HTML pages — is called with every relevant id as group-B users (another zone, its
enterprise and university) and as users of group A's paired university; each response body is
searched for the canaries they may not see.
"""

from __future__ import annotations

import itertools

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from shuanggao.actor import Role
from shuanggao.kit.register import all_registers
from tests.conftest import ClientFor
from tests.factories import (
    create_demand,
    create_enterprise,
    create_pairing,
    create_supply_item,
    create_university,
    create_user,
    create_zone,
)
from tests.security.sweep import expand, get_paths

ENT = "CANARYENT7f3a"  # in the owning enterprise's name
PERSON = "CANARYPER2b9c"  # the anonymous demand's contact person
PHONE = "13987654321"  # the anonymous demand's phone
ADMINS = "CANARYADM91c2"  # in the admins-only demand's title
PAIRED = "CANARYPAIR5d0e"  # in the paired-only demand's title
PUBLIC_TEXT = "储能电池热管理与液冷系统集成"  # the anonymous demand's open content

HTML = {"Accept": "text/html"}


def plant(session: Session) -> dict[str, object]:
    zone_a, zone_b = create_zone(session), create_zone(session)
    uni_a, uni_b = create_university(session), create_university(session)
    pairing_a = create_pairing(session, zone_a, [uni_a])
    create_pairing(session, zone_b, [uni_b])
    ent_a = create_enterprise(
        session, zone_a, name=f"金丝雀{ENT}储能有限公司", contact_person="企业联系人甲"
    )
    # The admins-only and paired demands come from another enterprise of the zone, so the
    # canary enterprise is named by nothing but its anonymous demand.
    ent_a2 = create_enterprise(session, zone_a)
    ent_b = create_enterprise(session, zone_b)
    anonymous = create_demand(
        session,
        ent_a,
        title=f"{PUBLIC_TEXT}需求",
        description=f"需要{PUBLIC_TEXT}方面的技术合作。",
        keywords=["储能", "热管理"],
        visibility="anonymous",
        contact_person=PERSON,
        phone=PHONE,
    )
    admins = create_demand(session, ent_a2, title=f"内部需求{ADMINS}", visibility="admins")
    paired = create_demand(session, ent_a2, title=f"结对需求{PAIRED}", visibility="paired")
    supply_b = create_supply_item(
        session, uni_b, title=f"{PUBLIC_TEXT}技术", abstract=f"{PUBLIC_TEXT}成果", keywords=["储能"]
    )
    supply_a = create_supply_item(session, uni_a, title="液冷储能系统", keywords=["储能"])
    users = {
        "zone_b": create_user(session, Role.ZONE_ADMIN, zone_id=zone_b.id, is_demo=True),
        "enterprise_b": create_user(session, Role.ENTERPRISE_USER, enterprise_id=ent_b.id),
        "university_b": create_user(
            session, Role.UNIVERSITY_ADMIN, university_id=uni_b.id, is_demo=True
        ),
        "researcher_b": create_user(session, Role.RESEARCHER, university_id=uni_b.id),
        "university_a": create_user(
            session, Role.UNIVERSITY_ADMIN, university_id=uni_a.id, is_demo=True
        ),
        "student_a": create_user(session, Role.STUDENT, university_id=uni_a.id),
    }
    ids = [anonymous.id, admins.id, paired.id, ent_a.id, supply_a.id, supply_b.id]
    return {
        "users": users,
        "values": {
            "demand_id": [anonymous.id, admins.id, paired.id],
            "item_id": [supply_a.id, supply_b.id],
            "zone_id": [zone_a.id, zone_b.id],
            "pairing_id": [pairing_a.id],
            "name": [r.name for r in all_registers()],
            "kind": [r.name for r in all_registers()],
            "fmt": ["csv", "xlsx"],
            "city": ["南京市"],
            "code": ["C3841"],
            "token": ["none"],
        },
        "ids": ids,
    }


# Who may see what: group B sees none of the canaries; group A's paired university sees the
# paired demand, but never the admins-only demand nor who is behind the anonymous one. The
# enterprise itself is visible to a paired university through the enterprises register (and
# pages listing projects or services), so for group A ENT is checked on demand and match
# responses only, where it could only come from the anonymous demand.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "zone_b": (ENT, PERSON, PHONE, ADMINS, PAIRED),
    "enterprise_b": (ENT, PERSON, PHONE, ADMINS, PAIRED),
    "university_b": (ENT, PERSON, PHONE, ADMINS, PAIRED),
    "researcher_b": (ENT, PERSON, PHONE, ADMINS, PAIRED),
    "university_a": (PERSON, PHONE, ADMINS),
    "student_a": (PERSON, PHONE, ADMINS),
}
# Every tenant group and kind: another zone's administrator, another zone's enterprise, another
# university's researcher, and the administrator of the university paired with the zone.
SWEEP_ROLES = ("zone_b", "enterprise_b", "researcher_b", "university_a")
# Routes that carry nobody's data: empty import templates and one's own import jobs.
NO_DATA = ("/r/{name}/template.", "/api/v1/exports/{kind}/template", "/r/{name}/import")
DEMAND_URLS = (
    "/api/v1/demands",
    "/api/v1/matches/demands",
    "/api/v1/matches/supply_items",
    "/api/v1/matches/text",
    "/api/v1/exports/demands",
    "/r/demands",
)


@pytest.mark.slow
def test_canaries_never_leak(app: FastAPI, session: Session, client_for: ClientFor) -> None:
    world = plant(session)
    templates = get_paths(app)
    assert "/api/v1/demands/{obj_id}" in templates
    leaks: list[str] = []
    calls = 0
    for who in SWEEP_ROLES:
        client = client_for(world["users"][who].actor())  # type: ignore[index]
        for template in templates:
            if template.startswith(NO_DATA):
                continue
            values = dict(world["values"])  # type: ignore[call-overload]
            if template.startswith("/r/{name}/{obj_id"):
                # A record page of another register under a canary's id shows another record.
                values["name"] = ["demands", "enterprises", "supply_items"]
            for url in expand(template, values, world["ids"]):  # type: ignore[arg-type]
                # Search the lists for the canaries too (a search index could leak them).
                searches = [{}, {"q": "CANARY"}] if "{" not in template else [{}]
                for params in searches:
                    headers = None if url.startswith("/api/") else HTML
                    resp = client.get(url, params=params, headers=headers)
                    calls += 1
                    body = resp.content.decode("utf-8", "replace")
                    forbidden = list(FORBIDDEN[who])
                    if who.endswith("_a") and url.startswith(DEMAND_URLS):
                        forbidden.append(ENT)
                    for canary in forbidden:
                        if canary in body:
                            leaks.append(f"{who} GET {url} {params} → {resp.status_code}: {canary}")
                    if resp.status_code >= 500:
                        leaks.append(f"{who} GET {url} {params} → {resp.status_code}")
    assert calls > 300
    assert not leaks, "\n".join(leaks[:400])


@pytest.mark.parametrize("who", ["university_a", "zone_b"])
def test_anonymous_demand_is_readable_but_ownerless(
    session: Session, client_for: ClientFor, who: str
) -> None:
    world = plant(session)
    user = world["users"][who]  # type: ignore[index]
    anonymous_id = world["values"]["demand_id"][0]  # type: ignore[index]
    client = client_for(user.actor())
    resp = client.get(f"/api/v1/demands/{anonymous_id}")
    assert resp.status_code == 200
    body = resp.json()
    assert PUBLIC_TEXT in body["title"]
    assert (
        body["enterprise_id"] is None and body["contact_person"] is None and body["phone"] is None
    )
    admins_id, paired_id = world["values"]["demand_id"][1:]  # type: ignore[index]
    assert client.get(f"/api/v1/demands/{admins_id}").status_code == 404
    expected_paired = 200 if who == "university_a" else 404
    assert client.get(f"/api/v1/demands/{paired_id}").status_code == expected_paired


def test_insiders_see_the_owner(session: Session, client_for: ClientFor) -> None:
    world = plant(session)
    zone_a_admin = create_user(
        session,
        Role.ZONE_ADMIN,
        zone_id=world["values"]["zone_id"][0],
        is_demo=True,  # type: ignore[index]
    )
    anonymous_id = world["values"]["demand_id"][0]  # type: ignore[index]
    body = client_for(zone_a_admin.actor()).get(f"/api/v1/demands/{anonymous_id}").json()
    assert body["contact_person"] == PERSON and body["phone"] == PHONE
    assert ENT in body["enterprise_name"]
    assert list(itertools.chain(FORBIDDEN.values()))
