"""Queries of the programme domain."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shuanggao.programme.enums import FactKind
from shuanggao.programme.models import PolicyItem, ProgrammeFact, ProgrammeFactUniversity
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone

FACT_LOAD_OPTIONS = (
    selectinload(ProgrammeFact.zone),
    selectinload(ProgrammeFact.links).selectinload(ProgrammeFactUniversity.university),
)


class ProgrammeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all_facts(self) -> Sequence[ProgrammeFact]:
        stmt = select(ProgrammeFact).options(*FACT_LOAD_OPTIONS).order_by(ProgrammeFact.id)
        return self.session.scalars(stmt).unique().all()

    def all_policy_items(self) -> Sequence[PolicyItem]:
        stmt = select(PolicyItem).order_by(PolicyItem.list_kind, PolicyItem.no)
        return self.session.scalars(stmt).all()

    def existing_university_ids(self, ids: Collection[int]) -> set[int]:
        if not ids:
            return set()
        stmt = select(University.id).where(University.id.in_(list(ids)))
        return set(self.session.scalars(stmt))

    def zone_exists(self, zone_id: int) -> bool:
        return self.session.scalar(select(Zone.id).where(Zone.id == zone_id)) is not None

    def programme_total(self, name: str) -> tuple[int, str | None] | None:
        """A province-wide figure of the baseline (``kind = programme_total``) and its source."""
        stmt = select(ProgrammeFact.figure, ProgrammeFact.source_url).where(
            ProgrammeFact.kind == FactKind.PROGRAMME_TOTAL.value, ProgrammeFact.name == name
        )
        row = self.session.execute(stmt).first()
        if row is None or row[0] is None:
            return None
        return int(row[0]), row[1]
