"""Finding an enterprise by its contact's phone through the blind index (checklist CRY-02):
one keyed hash per row, no sealed value opened, only for those who see the phone in full."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.db import sealed
from shuanggao.enterprises.models import Enterprise
from tests.conftest import ClientFor
from tests.factories import create_enterprise, create_zone

PHONE = "138-0000-1234"


def _lookup(client_for: ClientFor, actor: Actor, phone: str) -> list[int]:
    resp = client_for(actor).post("/api/v1/enterprises/lookup_phone", json={"phone": phone})
    assert resp.status_code == 200, resp.text
    return [e["id"] for e in resp.json()]


def test_lookup_by_phone_uses_the_blind_index(session: Session, client_for: ClientFor) -> None:
    zone = create_zone(session)
    ent = create_enterprise(session, zone, phone=PHONE)
    create_enterprise(session, zone, phone="13900009999")
    session.flush()
    raw = session.execute(
        text("SELECT phone, phone_hash FROM enterprise WHERE id = :i"), {"i": ent.id}
    ).one()
    assert "1234" not in raw.phone and raw.phone_hash == sealed.blind_index("13800001234")
    keeper = Actor(role=Role.ZONE_ADMIN, user_id=701, username="z", zone_id=zone.id)
    # The same number written differently is the same number.
    assert _lookup(client_for, keeper, "+86 13800001234") == [ent.id]
    assert _lookup(client_for, keeper, "13800005678") == []
    # Roles shown the phone masked, and other zones, learn nothing from a lookup.
    province = Actor(role=Role.PROVINCE_ADMIN, user_id=702, username="p")
    assert _lookup(client_for, province, PHONE) == []
    other = create_zone(session)
    stranger = Actor(role=Role.ZONE_ADMIN, user_id=703, username="o", zone_id=other.id)
    assert _lookup(client_for, stranger, PHONE) == []
    short = client_for(keeper).post("/api/v1/enterprises/lookup_phone", json={"phone": "12"})
    assert short.status_code == 422 and "phone" in short.json()["fields"]


def test_a_changed_phone_moves_its_index(session: Session, client_for: ClientFor) -> None:
    zone = create_zone(session)
    ent = create_enterprise(session, zone, phone=PHONE)
    session.flush()
    keeper = Actor(role=Role.ZONE_ADMIN, user_id=711, username="z", zone_id=zone.id)
    client = client_for(keeper)
    resp = client.patch(
        f"/api/v1/enterprises/{ent.id}", json={"phone": "13711112222", "version": ent.version}
    )
    assert resp.status_code == 200, resp.text
    assert _lookup(client_for, keeper, PHONE) == []
    assert _lookup(client_for, keeper, "13711112222") == [ent.id]
    session.expire_all()
    cleared = session.get(Enterprise, ent.id)
    assert cleared is not None
    cleared.phone = None
    session.flush()
    assert cleared.phone_hash is None
