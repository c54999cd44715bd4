"""Rules of platforms: called by the register's ``validate`` before every create and update."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.pairings import repository as pairing_repo
from shuanggao.pairings.rules import check_pairing
from shuanggao.platforms.models import Platform, PlatformUniversity
from shuanggao.universities.rules import check_universities
from shuanggao.zones.rules import check_zone


def validate_platform(
    session: Session, actor: Actor, values: dict[str, Any], current: Platform | None
) -> None:
    check_zone(session, values.get("zone_id"))
    university_ids = values.get("university_ids") or []
    check_universities(session, university_ids, "university_ids")
    check_pairing(session, values.get("pairing_id"), values.get("zone_id"), university_ids)


def apply_platform_universities(session: Session, obj: Platform, extra: dict[str, Any]) -> None:
    ids: list[int] | None = extra.get("university_ids")
    if ids is None:
        return
    pairing_repo.sync_links(session, PlatformUniversity, "platform_id", obj.id, ids)
    session.expire(obj, ["members"])
