"""Data quality: reported figures beside recorded ones, per unit, so gaps can be chased.

For each pilot zone (a zone administrator: its own) and each figure of the city tables, the
figure of the latest approved zone report as of the day and the count or sum of the records on
that day; the programme-wide row compares the latest approved programme report with all records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.reports import filling_repository as repo
from shuanggao.reports.service import ZONE_TABLE_FIGURES, Figure, compute_stats, zone_table


@dataclass(frozen=True)
class QualityRow:
    zone_id: int | None
    zone_name: str
    figures: dict[str, Figure]

    @property
    def gaps(self) -> int:
        """How many figures were reported and differ from the records."""
        return sum(
            1 for f in self.figures.values() if f.source == "reports" and f.value != f.records
        )


def quality_rows(session: Session, actor: Actor, day: dt.date) -> list[QualityRow]:
    """The programme row (for those who see everything), then each zone, gaps first."""
    if actor.role is Role.ZONE_ADMIN:
        zones = repo.reporting_zones(session, actor.zone_id) if actor.zone_id else []
        if actor.zone_id and not zones:
            name = repo.zone_name(session, actor.zone_id)
            zones = [(actor.zone_id, name or "")]
    elif actor.sees_everything:
        zones = repo.reporting_zones(session)
    else:
        return []
    table = zone_table(session, actor, day, [z for z, _ in zones])
    rows = [QualityRow(zid, name, table[zid]) for zid, name in zones]
    rows.sort(key=lambda r: (-r.gaps, r.zone_name))
    if actor.sees_everything:
        programme = compute_stats(session, actor, day, None)
        figures = {n: programme.figures[n] for n in ZONE_TABLE_FIGURES}
        rows.insert(0, QualityRow(None, "全省", figures))
    return rows
