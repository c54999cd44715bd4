"""The collaboration funnel: per event, zone, pairing, university or month — how many reached
each stage, the conversion from the stage before, the median days between stages, and why the
declined ones stopped. As of a date: a stage counts when it was reached on or before it.

``funnel(session, actor, by=..., as_of=...)`` is the one entry point (the dashboard, the API, the
CLI, the xlsx export and the briefing call it); it reads only the collaborations the actor may.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from pydantic import BaseModel
from sqlalchemy.orm import Session

from shuanggao import clock
from shuanggao.actor import Actor
from shuanggao.errors import ValidationFailed
from shuanggao.pipeline import policy
from shuanggao.pipeline import repository as repo
from shuanggao.pipeline.models import Collaboration
from shuanggao.pipeline.schemas import STAGES, Stage

GROUPINGS: dict[str, str] = {
    "zone": "高新区",
    "university": "高校",
    "pairing": "结对",
    "event": "对接会",
    "month": "月份",
}
TOP_REASONS = 10


class StageCount(BaseModel):
    stage: str
    label: str
    reached: int
    # Share of the previous stage's count that reached this one (None for the first stage or
    # when the previous stage had none).
    conversion: float | None
    # Median days from the previous stage to this one, over those that reached it.
    median_days: float | None
    declined_here: int


class ReasonCount(BaseModel):
    reason: str
    count: int


class FunnelGroup(BaseModel):
    key: str
    label: str
    total: int
    active: int
    declined: int
    stages: list[StageCount]
    decline_reasons: list[ReasonCount]


class FunnelRead(BaseModel):
    by: str
    by_label: str
    as_of: dt.date
    overall: FunnelGroup
    groups: list[FunnelGroup]


@dataclass
class _Bucket:
    label: str
    rows: list[Collaboration] = field(default_factory=list)


def _reached(c: Collaboration, stage: Stage, as_of: dt.date) -> dt.date | None:
    day = c.date_of(stage.value)
    return day if day is not None and day <= as_of else None


def _group(key: str, label: str, rows: Sequence[Collaboration], as_of: dt.date) -> FunnelGroup:
    stages: list[StageCount] = []
    previous: int | None = None
    declined = [r for r in rows if r.declined_date is not None and r.declined_date <= as_of]
    declined_at = Counter(r.decline_stage for r in declined)
    for i, stage in enumerate(STAGES):
        reached = [r for r in rows if _reached(r, stage, as_of) is not None]
        gaps: list[int] = []
        if i > 0:
            for r in reached:
                start, end = _reached(r, STAGES[i - 1], as_of), _reached(r, stage, as_of)
                if start is not None and end is not None:
                    gaps.append((end - start).days)
        stages.append(
            StageCount(
                stage=stage.value,
                label=stage.label,
                reached=len(reached),
                conversion=round(len(reached) / previous, 4) if previous else None,
                median_days=float(statistics.median(gaps)) if gaps else None,
                declined_here=declined_at.get(stage.value, 0),
            )
        )
        previous = len(reached)
    reasons = Counter((r.decline_reason or "").strip() or "（未说明）" for r in declined)
    return FunnelGroup(
        key=key,
        label=label,
        total=len(rows),
        active=sum(1 for r in rows if r not in declined and r.status == "active"),
        declined=len(declined),
        stages=stages,
        decline_reasons=[
            ReasonCount(reason=k, count=n) for k, n in reasons.most_common(TOP_REASONS)
        ],
    )


def _keyer(
    session: Session, by: str, rows: Sequence[Collaboration]
) -> Callable[[Collaboration], tuple[str, str]]:
    if by == "month":
        return lambda c: (c.intent_date.strftime("%Y-%m"),) * 2
    if by == "event":
        return lambda c: (
            (str(c.event_id), f"对接会 #{c.event_id}") if c.event_id else ("none", "非对接会")
        )
    attr = f"{by}_id"
    names = repo.names_of(session, by, {getattr(c, attr) for c in rows if getattr(c, attr)})

    def key(c: Collaboration) -> tuple[str, str]:
        value = getattr(c, attr)
        if value is None:
            return ("none", "未结对" if by == "pairing" else "—")
        return (str(value), names.get(value, f"#{value}"))

    return key


def funnel(
    session: Session, actor: Actor, *, by: str = "zone", as_of: dt.date | None = None
) -> FunnelRead:
    if by not in GROUPINGS:
        raise ValidationFailed(fields={"by": "应为以下之一：" + "、".join(GROUPINGS)})
    day = as_of or clock.today()
    rows = repo.in_scope(session, policy.read_filter(actor), day)
    key = _keyer(session, by, rows)
    buckets: dict[str, _Bucket] = {}
    for c in rows:
        k, label = key(c)
        buckets.setdefault(k, _Bucket(label)).rows.append(c)
    groups = [_group(k, b.label, b.rows, day) for k, b in buckets.items()]
    groups.sort(key=lambda g: (-g.total, g.label) if by != "month" else (g.key, ""))
    return FunnelRead(
        by=by,
        by_label=GROUPINGS[by],
        as_of=day,
        overall=_group("all", "合计", rows, day),
        groups=groups,
    )


def funnel_xlsx(result: FunnelRead) -> bytes:
    """Two sheets: counts, conversion and median days by group and stage; decline reasons."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "对接漏斗"
    sheet.append([f"按{result.by_label}统计，截至 {result.as_of.isoformat()}"])
    sheet.append(
        [result.by_label, "阶段", "到达数", "转化率", "距上一阶段中位天数", "在此阶段终止"]
    )
    for g in [*result.groups, result.overall]:
        for s in g.stages:
            sheet.append(
                [
                    g.label,
                    s.label,
                    s.reached,
                    None if s.conversion is None else round(s.conversion * 100, 1),
                    s.median_days,
                    s.declined_here,
                ]
            )
    reasons = book.create_sheet("终止原因")
    reasons.append([result.by_label, "终止原因", "数量"])
    for g in result.groups:
        for r in g.decline_reasons:
            reasons.append([g.label, r.reason, r.count])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
