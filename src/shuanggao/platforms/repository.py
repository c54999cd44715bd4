"""Queries of platforms."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shuanggao.pairings.models import Pairing
from shuanggao.platforms.models import Platform, PlatformUniversity

PLATFORM_LOAD = (
    selectinload(Platform.zone),
    selectinload(Platform.members).selectinload(PlatformUniversity.university),
    # Exports name the pairing as 高新区（批次）.
    selectinload(Platform.pairing).selectinload(Pairing.zone),
)


def platform_ids_with_university(university_id: int) -> Any:
    """Subquery: platforms a university co-builds."""
    return select(PlatformUniversity.platform_id).where(
        PlatformUniversity.university_id == university_id
    )
