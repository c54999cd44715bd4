"""Enterprise use cases beyond the generic register: the "服务企业 N 家" figure."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.enterprises import repository as repo
from shuanggao.enterprises.policy import SERVICE_POLICY
from shuanggao.enterprises.schemas import EnterprisesServed


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
