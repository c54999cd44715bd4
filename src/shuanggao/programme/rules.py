"""Rules of programme facts: called by the register's ``validate`` before every create and
update."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.errors import ValidationFailed
from shuanggao.programme.models import ProgrammeFact
from shuanggao.programme.repository import ProgrammeRepository


def validate_fact(
    session: Session, actor: Actor, values: dict[str, Any], current: ProgrammeFact | None
) -> None:
    repo = ProgrammeRepository(session)
    zone_id = values.get("zone_id")
    if zone_id is not None and not repo.zone_exists(zone_id):
        raise ValidationFailed(fields={"zone_id": "高新区不存在"})
    ids = values.get("university_ids") or []
    missing = sorted(set(ids) - repo.existing_university_ids(ids))
    if missing:
        raise ValidationFailed(
            fields={"university_ids": f"高校不存在（编号 {'、'.join(map(str, missing))}）"}
        )
