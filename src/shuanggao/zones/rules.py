"""Checks about zones, for the rules of every domain whose records name a zone."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.errors import ValidationFailed
from shuanggao.zones import repository as repo


def check_zone(session: Session, zone_id: Any, field: str = "zone_id") -> None:
    """The zone is given and exists."""
    if zone_id is None or not repo.zone_exists(session, zone_id):
        raise ValidationFailed(fields={field: "高新区不存在"})
