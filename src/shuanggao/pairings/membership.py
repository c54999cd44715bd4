"""List filters on many-to-many links.

The kit's ``Filter`` compares ``getattr(Model, attr) == value``. ``MemberOf`` is a class-level
comparator whose ``==`` means "the value is one of the row's linked ids" (e.g. a pairing's
universities), so a register can offer ``?university_id=5`` on a link table without custom code.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.hybrid import Comparator
from sqlalchemy.orm import InstrumentedAttribute


class MemberOf(Comparator[Any]):
    """``row_id IN (SELECT link_owner FROM link WHERE link_member = value)``."""

    def __init__(
        self,
        row_id: InstrumentedAttribute[int],
        link_owner: InstrumentedAttribute[int],
        link_member: InstrumentedAttribute[int],
    ) -> None:
        super().__init__(row_id)
        self.row_id = row_id
        self.link_owner = link_owner
        self.link_member = link_member

    def __eq__(self, other: Any) -> ColumnElement[bool]:  # type: ignore[override]
        return self.row_id.in_(select(self.link_owner).where(self.link_member == other))

    def __hash__(self) -> int:
        return id(self)
