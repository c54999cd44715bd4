"""Talent figures per zone and pairing: residents present (驻园师生, by kind) and students
trained (practice outcomes accepted in place of the thesis or after revisions). Counts only:
names stay with the scoped registers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pydantic import BaseModel
from sqlalchemy.orm import Session

from shuanggao import clock
from shuanggao.actor import Actor
from shuanggao.mentoring import repository
from shuanggao.talent import service as talent


class TalentRow(BaseModel):
    zone_id: int
    zone_name: str
    pairing_id: int | None
    residents: int
    teachers: int
    graduates: int
    undergraduates: int
    other_students: int
    trained: int


class TalentFigures(BaseModel):
    as_of: dt.date
    rows: list[TalentRow]
    residents: int
    trained: int


def talent_figures(
    session: Session,
    actor: Actor,
    as_of: dt.date | None = None,
    zone_id: int | None = None,
    *,
    zone_names: Mapping[int, str] | None = None,
) -> TalentFigures:
    """``zone_names``: the names of the zones, when the caller has them (no query for them)."""
    day = as_of or clock.today()
    present = talent.headcount(session, actor, day)
    trained = repository.trained_per_zone(session, None, scope_actor=actor, as_of=day)
    keys = sorted(set(present) | set(trained), key=lambda k: (k[0], k[1] or 0))
    if zone_id is not None:
        keys = [k for k in keys if k[0] == zone_id]
    names = (
        zone_names
        if zone_names is not None
        else repository.zone_names(session, [k[0] for k in keys])
    )
    rows = []
    for key in keys:
        kinds = present.get(key, {})
        rows.append(
            TalentRow(
                zone_id=key[0],
                zone_name=names.get(key[0], ""),
                pairing_id=key[1],
                residents=sum(kinds.values()),
                teachers=kinds.get("teacher", 0),
                graduates=kinds.get("graduate", 0),
                undergraduates=kinds.get("undergraduate", 0),
                other_students=kinds.get("student", 0),
                trained=trained.get(key, 0),
            )
        )
    return TalentFigures(
        as_of=day,
        rows=rows,
        residents=sum(r.residents for r in rows),
        trained=sum(r.trained for r in rows),
    )
