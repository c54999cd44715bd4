"""The generic repository: every ``select()`` of a register lives here or in a domain repository."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, get_args

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, String, cast, func, or_, select
from sqlalchemy.orm import Session

from shuanggao.kit.enums import LabeledEnum
from shuanggao.kit.register import Register

M = TypeVar("M")


@dataclass
class Page(Generic[M]):
    items: list[M]
    total: int
    page: int
    page_size: int


def enum_of_field(schema: type[BaseModel], name: str) -> type[LabeledEnum] | None:
    """The ``LabeledEnum`` a schema field holds (through Optional/Annotated), if any."""
    info = schema.model_fields.get(name)
    if info is None:
        return None
    pending: list[Any] = [info.annotation]
    while pending:
        tp = pending.pop()
        if isinstance(tp, type) and issubclass(tp, LabeledEnum):
            return tp
        pending.extend(get_args(tp))
    return None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class RegisterRepository(Generic[M]):
    def __init__(self, session: Session, reg: Register[M]) -> None:
        self.session = session
        self.reg = reg
        self.model: Any = reg.model

    def base_select(self, scope: ColumnElement[bool] | None) -> Select[Any]:
        stmt = select(self.model)
        if scope is not None:
            stmt = stmt.where(scope)
        return stmt

    def _filtered(
        self,
        scope: ColumnElement[bool] | None,
        q: str | None,
        filters: Mapping[str, Any],
        extra: Sequence[ColumnElement[bool]] = (),
        search_fields: Sequence[str] | None = None,
    ) -> Select[Any]:
        stmt = self.base_select(scope)
        for cond in extra:
            stmt = stmt.where(cond)
        for flt in self.reg.filters:
            value = filters.get(flt.name)
            if value is None or value == "":
                continue
            enum_cls = enum_of_field(self.reg.create_schema, flt.attr)
            if enum_cls is not None:
                # Accept the Chinese label as well as the stored value (?kind=一级学科).
                value = enum_cls.parse(value)
            stmt = stmt.where(getattr(self.model, flt.attr) == value)
        if q:
            pattern = f"%{_escape_like(q.strip())}%"
            conds = [
                cast(getattr(self.model, f), String).ilike(pattern, escape="\\")
                for f in (self.reg.search_fields if search_fields is None else search_fields)
            ]
            if conds:
                stmt = stmt.where(or_(*conds))
        return stmt

    def list_page(
        self,
        scope: ColumnElement[bool] | None,
        *,
        q: str | None = None,
        filters: Mapping[str, Any] | None = None,
        sort: str | None = None,
        page: int = 1,
        page_size: int = 50,
        extra: Sequence[ColumnElement[bool]] = (),
        search_fields: Sequence[str] | None = None,
    ) -> Page[M]:
        stmt = self._filtered(scope, q, filters or {}, extra, search_fields)
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        stmt = stmt.order_by(*self._order(sort))
        stmt = stmt.options(*self.reg.load_options)
        stmt = stmt.limit(page_size).offset((page - 1) * page_size)
        items = list(self.session.scalars(stmt).unique())
        return Page(items=items, total=total, page=page, page_size=page_size)

    def list_all(
        self,
        scope: ColumnElement[bool] | None,
        *,
        q: str | None = None,
        filters: Mapping[str, Any] | None = None,
        sort: str | None = None,
        search_fields: Sequence[str] | None = None,
    ) -> list[M]:
        stmt = self._filtered(scope, q, filters or {}, (), search_fields)
        stmt = stmt.order_by(*self._order(sort))
        return list(self.session.scalars(stmt.options(*self.reg.load_options)).unique())

    def _order(self, sort: str | None) -> list[Any]:
        key = sort or self.reg.default_sort
        desc = key.startswith("-")
        name = key.lstrip("-")
        if name not in self.reg.sort_fields and name != "id":
            name, desc = self.reg.default_sort.lstrip("-"), self.reg.default_sort.startswith("-")
        col = getattr(self.model, name)
        order = [col.desc() if desc else col.asc()]
        if name != "id":
            order.append(self.model.id.asc())
        return order

    def get(self, scope: ColumnElement[bool] | None, obj_id: int) -> M | None:
        stmt = self.base_select(scope).where(self.model.id == obj_id)
        stmt = stmt.options(*self.reg.load_options)
        return self.session.scalars(stmt).unique().one_or_none()

    def find_by_natural_key(self, values: Mapping[str, Any]) -> M | None:
        if not self.reg.natural_key:
            return None
        stmt = select(self.model)
        for attr in self.reg.natural_key:
            stmt = stmt.where(getattr(self.model, attr) == values.get(attr))
        return self.session.scalars(stmt.options(*self.reg.load_options)).unique().one_or_none()
