"""Queries of the reference tables, and the generic reads the reference loader needs."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from shuanggao.reference.models import Discipline, Industry

SECTIONS = frozenset("ABCDEFGHIJKLMNOPQRST")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ReferenceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # ------------------------------------------------------------ industries

    def industry_by_code(self, code: str) -> Industry | None:
        return self.session.scalars(select(Industry).where(Industry.code == code)).one_or_none()

    def industries_by_codes(self, codes: Collection[str]) -> list[Industry]:
        if not codes:
            return []
        stmt = select(Industry).where(Industry.code.in_(list(codes))).order_by(Industry.id)
        return list(self.session.scalars(stmt))

    def industry_sections_of(self, codes: Collection[str]) -> dict[str, str]:
        """code → 门类 letter for the codes that exist."""
        if not codes:
            return {}
        stmt = select(Industry.code, Industry.section).where(Industry.code.in_(list(codes)))
        return {str(code): str(section) for code, section in self.session.execute(stmt)}

    def industries_matching(
        self, q: str, *, level: str | None = None, cap: int = 500
    ) -> list[Industry]:
        """Nodes whose code equals ``q`` (with or without the 门类 letter) or whose name or
        searchable text (included 说明, paths, products) contains it; in the standard's order."""
        text = q.strip()
        pattern = _like(text)
        codes = {text.upper()}
        if len(text) > 1 and text[0].upper() in SECTIONS and text[1:].isdigit():
            codes.add(text[1:])
        conds: list[ColumnElement[bool]] = [
            Industry.code.in_(sorted(codes)),
            Industry.name.ilike(pattern, escape="\\"),
            Industry.keywords.ilike(pattern, escape="\\"),
        ]
        stmt = select(Industry).where(or_(*conds))
        if level:
            stmt = stmt.where(Industry.level == level)
        return list(self.session.scalars(stmt.order_by(Industry.id).limit(cap)))

    # ------------------------------------------------------------ disciplines

    def discipline_codes_in(self, codes: Collection[str]) -> set[str]:
        if not codes:
            return set()
        stmt = select(Discipline.code).where(Discipline.code.in_(list(codes)))
        return set(self.session.scalars(stmt))

    def discipline_by_code(self, code: str) -> Discipline | None:
        stmt = select(Discipline).where(Discipline.code == code)
        return self.session.scalars(stmt).one_or_none()

    # ------------------------------------------------------------ generic, for the loader

    def all_rows(self, model: type[Any], *options: Any) -> Sequence[Any]:
        return self.session.scalars(select(model).options(*options)).unique().all()

    def count(self, model: type[Any], *where: ColumnElement[bool]) -> int:
        stmt = select(func.count()).select_from(model)
        for cond in where:
            stmt = stmt.where(cond)
        return int(self.session.scalar(stmt) or 0)

    def ids_by(self, model: type[Any], attr: str) -> dict[Any, int]:
        column = getattr(model, attr)
        return {key: int(id_) for key, id_ in self.session.execute(select(column, model.id))}
