"""Every ``select()`` of imports: jobs, and the bulk look-ups an import needs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from shuanggao.imports.models import ImportJob, ImportStatus
from shuanggao.kit.register import Register

CHUNK = 500

Key = tuple[Any, ...]


def plain(value: Any) -> Any:
    """A value as compared and hashed by imports: enum members become their values."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def key_of(values: Any, attrs: Sequence[str], *, from_object: bool = False) -> Key:
    if from_object:
        return tuple(plain(getattr(values, a, None)) for a in attrs)
    return tuple(plain(values.get(a)) for a in attrs)


class ImportJobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, job_id: int, *, with_data: bool = False) -> ImportJob | None:
        stmt = select(ImportJob).where(ImportJob.id == job_id)
        if with_data:
            stmt = stmt.options(undefer(ImportJob.data))
        return self.session.scalars(stmt).one_or_none()

    def last_applied_with_hash(self, kind: str, sha256: str) -> ImportJob | None:
        stmt = (
            select(ImportJob)
            .where(
                ImportJob.kind == kind,
                ImportJob.file_sha256 == sha256,
                ImportJob.status == ImportStatus.APPLIED.value,
            )
            .order_by(ImportJob.id.desc())
            .limit(1)
        )
        return self.session.scalars(stmt).first()

    def list_recent(
        self,
        *,
        kind: str | None,
        owner: tuple[int | None, str] | None,
        limit: int,
    ) -> list[ImportJob]:
        stmt = select(ImportJob)
        if kind:
            stmt = stmt.where(ImportJob.kind == kind)
        if owner is not None:
            user_id, name = owner
            stmt = stmt.where(ImportJob.actor_name == name)
            stmt = stmt.where(
                ImportJob.actor_user_id.is_(None)
                if user_id is None
                else ImportJob.actor_user_id == user_id
            )
        stmt = stmt.order_by(ImportJob.id.desc()).limit(limit)
        return list(self.session.scalars(stmt))


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def rows_by_key(
    session: Session,
    reg: Register[Any],
    attrs: Sequence[str],
    keys: Iterable[Key],
    *,
    load: bool = True,
) -> dict[Key, Any]:
    """Existing rows whose ``attrs`` equal one of ``keys``, looked up in bulk (not row by row)."""
    model: Any = reg.model
    wanted = set(keys)
    if not wanted or not attrs:
        return {}
    first = getattr(model, attrs[0])
    firsts = sorted({k[0] for k in wanted if k[0] is not None}, key=str)
    has_null = any(k[0] is None for k in wanted)
    found: dict[Key, Any] = {}
    batches: list[list[Any]] = list(_chunks(firsts))
    if has_null:
        batches.append([])
    for batch in batches:
        stmt = select(model)
        stmt = stmt.where(first.in_(batch)) if batch else stmt.where(first.is_(None))
        if load:
            stmt = stmt.options(*reg.load_options)
        for obj in session.scalars(stmt).unique():
            key = key_of(obj, attrs, from_object=True)
            if key in wanted:
                found[key] = obj
    return found


def ids_by_key(
    session: Session, model: Any, attrs: Sequence[str], keys: Iterable[Key]
) -> dict[Key, int]:
    """``{key: id}`` of existing rows holding one of ``keys`` on the columns ``attrs``."""
    wanted = {k for k in keys if all(v is not None for v in k)}
    if not wanted:
        return {}
    cols = [getattr(model, a) for a in attrs]
    firsts = sorted({k[0] for k in wanted}, key=str)
    found: dict[Key, int] = {}
    for batch in _chunks(firsts):
        stmt = select(model.id, *cols).where(cols[0].in_(batch))
        for row in session.execute(stmt):
            key = tuple(plain(v) for v in row[1:])
            if key in wanted:
                found[key] = int(row[0])
    return found
