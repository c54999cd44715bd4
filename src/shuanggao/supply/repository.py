"""Supply item queries beyond the generic register repository."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, joinedload

from shuanggao.supply.models import SupplyItem


def list_by_ids(
    session: Session, ids: Iterable[int], scope: ColumnElement[bool] | None
) -> list[SupplyItem]:
    """The items among ``ids`` inside ``scope``, with their university loaded."""
    wanted = list(set(ids))
    if not wanted:
        return []
    stmt = (
        select(SupplyItem)
        .where(SupplyItem.id.in_(wanted))
        .options(joinedload(SupplyItem.university))
    )
    if scope is not None:
        stmt = stmt.where(scope)
    return list(session.scalars(stmt).unique())


def fingerprints(session: Session) -> dict[int, str]:
    """``{id: "version:updated_at"}`` for every item: what the search index compares."""
    rows = session.execute(select(SupplyItem.id, SupplyItem.version, SupplyItem.updated_at))
    return {row.id: f"{row.version}:{row.updated_at.isoformat()}" for row in rows}


def find_by_title(session: Session, university_id: int, title: str) -> SupplyItem | None:
    return session.scalar(
        select(SupplyItem).where(
            SupplyItem.university_id == university_id, SupplyItem.title == title
        )
    )


def find_by_terms(session: Session, terms: Sequence[str], limit: int) -> list[tuple[int, str, str]]:
    """Up to ``limit`` items whose title or abstract contains any of ``terms``, as
    ``(id, title, abstract)``: a plain database search for when the search index is not ready."""
    if not terms:
        return []
    stmt = (
        select(SupplyItem.id, SupplyItem.title, SupplyItem.abstract)
        .where(
            or_(
                *(SupplyItem.title.contains(t, autoescape=True) for t in terms),
                *(SupplyItem.abstract.contains(t, autoescape=True) for t in terms),
            )
        )
        .order_by(SupplyItem.id.desc())
        .limit(limit)
    )
    return [(row.id, row.title, row.abstract or "") for row in session.execute(stmt)]


def ids_owned_by(session: Session, user_ids: Collection[int]) -> list[int]:
    """Items whose responsible person is one of these accounts (for the matching opt-out)."""
    if not user_ids:
        return []
    return list(
        session.scalars(select(SupplyItem.id).where(SupplyItem.owner_user_id.in_(list(user_ids))))
    )
