"""Builders for ``Ref`` columns: name a related record by a natural key in files."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.kit.register import Ref


def ref_by(model: Any, attr: str, target: str, relation: str, *alt_attrs: str) -> Ref:
    """A reference resolved by ``model.attr`` (or any of ``alt_attrs``) equal to the cell text.

    ``relation`` is the relationship on the referring object, used to render the export value.
    """

    def resolve(session: Session, text: str) -> int | None:
        for name in (attr, *alt_attrs):
            found = session.scalar(select(model.id).where(getattr(model, name) == text.strip()))
            if found is not None:
                return int(found)
        return None

    def render(obj: Any) -> Any:
        related = getattr(obj, relation, None)
        return getattr(related, attr, None) if related is not None else None

    def name_of(session: Session, target_id: int) -> str | None:
        found = session.scalar(select(getattr(model, attr)).where(model.id == target_id))
        return None if found is None else str(found)

    return Ref(target=target, resolve=resolve, render=render, name_of=name_of)
