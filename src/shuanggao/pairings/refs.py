"""How files name pairings and universities (import/export cells)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.kit.register import Ref
from shuanggao.pairings import repository as repo
from shuanggao.pairings.models import Pairing
from shuanggao.programme.enums import Batch

_WITH_BATCH = re.compile(r"^(?P<zone>.+?)\s*[（(](?P<batch>[^（）()]+)[）)]\s*$")


def pairing_label(pairing: Pairing) -> str:
    """``无锡高新区（2025 首批试点）``: the zone and the batch name a pairing uniquely."""
    return f"{pairing.zone.name}（{Batch(pairing.batch).label}）"


def resolve_pairing(session: Session, text: str) -> int | None:
    """A pairing named ``高新区（批次）``, or just ``高新区`` when the zone has only one pairing."""
    text = text.strip()
    match = _WITH_BATCH.match(text)
    if match is not None:
        zone = repo.zone_by_name(session, match["zone"])
        batch = Batch.parse(match["batch"].strip())
        if zone is not None and isinstance(batch, Batch):
            found = repo.find_pairing(session, zone.id, batch.value)
            return found.id if found is not None else None
    zone = repo.zone_by_name(session, text)
    if zone is None:
        return None
    pairings = repo.pairings_of_zone(session, zone.id)
    return pairings[0].id if len(pairings) == 1 else None


def pairing_name(session: Session, pairing_id: int) -> str | None:
    pairing = repo.get_pairing(session, pairing_id)
    return pairing_label(pairing) if pairing is not None else None


def university_name(session: Session, university_id: int) -> str | None:
    return repo.university_name(session, university_id)


def pairing_ref(relation: str = "pairing") -> Ref:
    def render(obj: Any) -> Any:
        pairing = getattr(obj, relation, None)
        return pairing_label(pairing) if pairing is not None else None

    return Ref(target="pairings", resolve=resolve_pairing, render=render, name_of=pairing_name)


def resolve_university(session: Session, text: str) -> int | None:
    """A university by name (or by 学校标识码)."""
    return repo.university_id_by_name_or_code(session, text.strip())


def university_ref(relation: str = "university") -> Ref:
    """A single university by name or 学校标识码; exports the name."""

    def render(obj: Any) -> Any:
        university = getattr(obj, relation, None)
        return university.name if university is not None else None

    return Ref(
        target="universities", resolve=resolve_university, render=render, name_of=university_name
    )


def universities_ref() -> Ref:
    """A multi-valued column of university names; exports ``university_names`` in order."""

    def render(obj: Any) -> Any:
        return list(obj.university_names)

    return Ref(
        target="universities", resolve=resolve_university, render=render, name_of=university_name
    )
