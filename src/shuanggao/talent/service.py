"""Use cases of the talent domain."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.kit.service import read_scope
from shuanggao.talent import repository
from shuanggao.talent.registers import residents


def count_residents(
    session: Session, actor: Actor, as_of: dt.date, zone_id: int | None = None
) -> int:
    """How many teachers and students the actor can see were resident on ``as_of``.

    Present means ``from_date <= as_of`` and (no ``to_date`` or ``to_date >= as_of``).
    """
    return repository.count_present(
        session, as_of, scope=read_scope(residents, actor), zone_id=zone_id
    )
