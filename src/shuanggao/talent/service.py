"""Use cases of the talent domain."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.talent import repository
from shuanggao.talent.registers import RESIDENT_POLICY


def count_residents(
    session: Session, actor: Actor, as_of: dt.date, zone_id: int | None = None
) -> int:
    """How many teachers and students the actor can see were resident on ``as_of``.

    Present means ``from_date <= as_of`` and (no ``to_date`` or ``to_date >= as_of``).
    """
    return repository.count_present(session, as_of, scope=count_scope(actor), zone_id=zone_id)


def count_scope(actor: Actor) -> ColumnElement[bool] | None:
    """Which residents the actor may count: the tenant's (names are scoped further)."""
    return RESIDENT_POLICY.count_filter(actor)


def headcount(
    session: Session, actor: Actor, as_of: dt.date
) -> dict[tuple[int, int | None], dict[str, int]]:
    """Residents present on ``as_of`` by zone and pairing, by kind (counts, never names)."""
    return repository.present_per_pairing(session, as_of, scope=count_scope(actor))
