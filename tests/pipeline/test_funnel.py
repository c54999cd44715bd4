"""The funnel: counts, conversion and median days per stage, decline reasons, as of a date,
by event (meetings started through ``start_from_meeting``), zone and month; xlsx export."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from shuanggao.pipeline import service
from shuanggao.pipeline.funnel import funnel
from shuanggao.pipeline.schemas import Advance, Decline
from tests.conftest import ClientFor
from tests.factories import create_demand, create_supply_item
from tests.pipeline.world import build


def test_funnel_counts_conversion_medians_and_reasons(
    session: Session, client_for: ClientFor
) -> None:
    w = build(session)
    d0 = dt.date(2025, 7, 10)
    a = service.start_from_meeting(
        session,
        w.zone_admin,
        w.demand.id,
        w.item.id,
        meeting_id=77,
        note="当场达成合作意向",
        event_id=5,
        happened_date=d0,
    )
    assert (a.origin, a.meeting_id, a.event_id) == ("meeting", 77, 5)
    a = service.advance(
        session, w.ent, a.id, Advance(version=a.version, happened_date=d0 + dt.timedelta(days=4))
    )
    a = service.advance(
        session, w.ent, a.id, Advance(version=a.version, happened_date=d0 + dt.timedelta(days=10))
    )
    demand2 = create_demand(session, w.enterprise, title="储能系统热管理")
    b = service.start_from_match(
        session, w.ent, demand_id=demand2.id, supply_item_id=w.item.id, happened_date=d0
    )
    b = service.advance(
        session, w.ent, b.id, Advance(version=b.version, happened_date=d0 + dt.timedelta(days=2))
    )
    b = service.decline(
        session,
        w.ent,
        b.id,
        Decline(version=b.version, reason="预算不匹配", happened_date=d0 + dt.timedelta(days=3)),
    )
    item2 = create_supply_item(session, w.university, title="储能算法")
    service.start_from_match(
        session, w.ent, demand_id=w.demand.id, supply_item_id=item2.id, happened_date=d0
    )

    result = funnel(session, w.province, by="zone", as_of=d0 + dt.timedelta(days=30))
    assert len(result.groups) == 1
    g = result.groups[0]
    assert g.label == w.zone.name
    assert (g.total, g.active, g.declined) == (3, 2, 1)
    assert [s.reached for s in g.stages] == [3, 2, 1, 0, 0, 0]
    assert [s.conversion for s in g.stages][:3] == [None, round(2 / 3, 4), 0.5]
    assert g.stages[1].median_days == 3.0  # 4 and 2 days
    assert g.stages[2].median_days == 6.0
    assert g.stages[1].declined_here == 1
    assert [(r.reason, r.count) for r in g.decline_reasons] == [("预算不匹配", 1)]
    # As of a day before the second stage: nothing past 有意向 yet, and no decline.
    early = funnel(session, w.province, by="zone", as_of=d0 + dt.timedelta(days=1)).overall
    assert [s.reached for s in early.stages] == [3, 0, 0, 0, 0, 0] and early.declined == 0
    by_event = {
        g.key: g.total
        for g in funnel(session, w.province, by="event", as_of=d0 + dt.timedelta(days=30)).groups
    }
    assert by_event == {"5": 1, "none": 2}
    by_month = funnel(session, w.province, by="month", as_of=d0 + dt.timedelta(days=30))
    assert [g.key for g in by_month.groups] == ["2025-07"]

    # The API, the export, and the stranger's empty funnel.
    client = client_for(w.province)
    resp = client.get("/api/v1/pipeline/funnel", params={"by": "university", "as_of": "2025-08-31"})
    assert resp.status_code == 200
    assert resp.json()["groups"][0]["stages"][0]["reached"] == 3
    assert client.get("/api/v1/pipeline/funnel", params={"by": "nope"}).status_code == 422
    xlsx = client.get("/api/v1/pipeline/funnel.xlsx", params={"by": "zone", "as_of": "2025-08-31"})
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = list(book["对接漏斗"].iter_rows(values_only=True))
    assert rows[2][:3] == (w.zone.name, "有意向", 3)
    assert list(book["终止原因"].iter_rows(values_only=True))[1] == (w.zone.name, "预算不匹配", 1)
    # (A client made later acts for its actor from then on.)
    assert client_for(w.stranger).get("/api/v1/pipeline/funnel").json()["overall"]["total"] == 0
