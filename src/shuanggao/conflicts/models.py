"""A researcher's declared tie to an enterprise (利益冲突声明)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, column, select, table
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from shuanggao.db.base import Base, RecordMixin
from shuanggao.enterprises.models import Enterprise

# ``accounts`` is a sibling layer: its table is named, not imported (AGENTS.md rule 12);
# tests/conflicts/test_rules.py checks the names against ``accounts.models.User``.
APP_USER = table("app_user", column("id"), column("username"), column("display_name"))


class ConflictDeclaration(RecordMixin, Base):
    """One tie of one researcher: employer, shareholding, a relative's firm, a previous contract.

    The enterprise is named by ``enterprise_id`` when it is registered, otherwise by its name
    and/or 统一社会信用代码 (matched against enterprises registered later). ``university_id`` is the
    researcher's university when the declaration was made: it scopes who reads it.
    """

    __tablename__ = "conflict_declaration"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    university_id: Mapped[int | None] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), nullable=True, index=True
    )
    enterprise_name: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), nullable=True, index=True)
    # conflicts.schemas.TieKind value.
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    from_date: Mapped[dt.date | None] = mapped_column(nullable=True)
    to_date: Mapped[dt.date | None] = mapped_column(nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    enterprise: Mapped[Enterprise | None] = relationship(lazy="raise")

    researcher_username: Mapped[str] = column_property(
        select(APP_USER.c.username).where(APP_USER.c.id == user_id).scalar_subquery()
    )

    @property
    def title(self) -> str:
        firm = self.enterprise.name if self.enterprise is not None else self.enterprise_name
        return f"{self.researcher_username} — {firm or self.credit_code or ''}"

    @property
    def firm_name(self) -> str | None:
        if self.enterprise is not None:
            return self.enterprise.name
        return self.enterprise_name
