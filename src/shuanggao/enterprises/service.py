"""Enterprise use cases beyond the generic register: the "服务企业 N 家" figure, and finding an
enterprise by its contact's phone through the blind index (no sealed value is opened)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from shuanggao import personal
from shuanggao.actor import Actor
from shuanggao.db import sealed
from shuanggao.enterprises import repository as repo
from shuanggao.enterprises.models import Enterprise
from shuanggao.enterprises.policy import ENTERPRISE_POLICY, SERVICE_POLICY
from shuanggao.enterprises.schemas import EnterprisesServed
from shuanggao.errors import ValidationFailed


def count_enterprises_served(
    session: Session, actor: Actor, as_of: dt.date, zone_id: int | None = None
) -> int:
    """Distinct enterprises served on or before ``as_of`` (within the actor's scope).

    The programme reports "服务企业 N 家": an enterprise served ten times counts once.
    """
    return enterprises_served(session, actor, as_of, zone_id).enterprises_served


def enterprises_served(
    session: Session, actor: Actor, as_of: dt.date, zone_id: int | None = None
) -> EnterprisesServed:
    enterprises, services = repo.count_served(
        session, SERVICE_POLICY.read_filter(actor), as_of, zone_id
    )
    return EnterprisesServed(
        as_of=as_of, zone_id=zone_id, enterprises_served=enterprises, services=services
    )


def find_by_phone(session: Session, actor: Actor, phone: str) -> list[Enterprise]:
    """Enterprises whose contact has this number, among those whose phone the actor may see in
    full (the zone that keeps the record, the enterprise's own users): for anyone else a match
    would confirm a number they are shown masked."""
    digest = sealed.blind_index(phone)
    if digest is None or len(sealed.normalise_phone(phone)) < 7:
        raise ValidationFailed(fields={"phone": "请输入完整的电话号码"})
    if not actor.reads_programme:
        return []
    field = personal.fields_of("enterprise")["phone"]
    found = repo.enterprises_by_phone_hash(session, digest, ENTERPRISE_POLICY.read_filter(actor))
    return [e for e in found if personal.sees_in_full(field, actor.role, _keeps(actor, e))]


def _keeps(actor: Actor, enterprise: Enterprise) -> Callable[[], bool]:
    return lambda: ENTERPRISE_POLICY.can_modify(actor, enterprise)
