"""Queries of the zones domain that other domains' checks need."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.zones.models import Zone


def zone_exists(session: Session, zone_id: Any) -> bool:
    # session.get answers from the identity map when the zone is loaded: a 10,000-row import
    # checking the same few zones asks the database once per zone, not once per row.
    return session.get(Zone, zone_id) is not None
