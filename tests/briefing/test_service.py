"""What the briefing holds: the funnel is ``pipeline.funnel`` of the same scope and date, and
only the province, auditors and zone administrators may build it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.briefing.errors import BriefingForbidden
from shuanggao.briefing.service import build_briefing
from shuanggao.pipeline import service as pipeline
from shuanggao.pipeline.funnel import funnel
from shuanggao.pipeline.schemas import Advance
from tests.pipeline.world import build

D0 = dt.date(2025, 7, 10)


def test_funnel_is_the_pipeline_funnel_of_the_scope(session: Session) -> None:
    w = build(session)
    c = pipeline.start_from_meeting(
        session, w.zone_admin, w.demand.id, w.item.id, meeting_id=1, happened_date=D0
    )
    pipeline.advance(
        session, w.ent, c.id, Advance(version=c.version, happened_date=D0 + dt.timedelta(days=4))
    )
    as_of = D0 + dt.timedelta(days=30)
    expected = funnel(session, w.province, by="zone", as_of=as_of).overall.stages
    province = build_briefing(session, w.province, as_of)
    got = [(s.label, s.reached, s.conversion, s.median_days) for s in province.funnel]
    assert got == [(s.label, s.reached, s.conversion, s.median_days) for s in expected]
    assert [s.reached for s in province.funnel][:3] == [1, 1, 0]
    zone = build_briefing(session, w.zone_admin, as_of)
    assert [s.reached for s in zone.funnel][:2] == [1, 1]
    # Before the collaboration started nothing was reached.
    early = build_briefing(session, w.province, D0 - dt.timedelta(days=1))
    assert {s.reached for s in early.funnel} == {0}


@pytest.mark.parametrize("role", [Role.STUDENT, Role.MENTOR, Role.ENTERPRISE_USER, Role.RESEARCHER])
def test_other_roles_may_not_build_it(session: Session, role: Role) -> None:
    with pytest.raises(BriefingForbidden):
        build_briefing(session, Actor(role=role, user_id=5), D0)
