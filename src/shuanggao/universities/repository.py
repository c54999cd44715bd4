"""Queries of the universities domain that other domains' checks need."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.universities.models import University


def missing_university_ids(session: Session, ids: Sequence[int]) -> list[int]:
    found = set(session.scalars(select(University.id).where(University.id.in_(list(ids)))))
    return [i for i in ids if i not in found]


def university_exists(session: Session, university_id: int) -> bool:
    return not missing_university_ids(session, [university_id])
