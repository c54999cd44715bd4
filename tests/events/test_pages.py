"""The event pages render for the organiser, a participant and the auditor, with a schedule,
an outcome, the intake suggestions and the report."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.config import Settings
from shuanggao.events import scheduling, service
from shuanggao.events.models import Meeting
from shuanggao.events.schemas import Outcome, OutcomeUpdate
from tests.actors import enterprise_user, zone_admin
from tests.conftest import ClientFor
from tests.events.conftest import World, make_event, register_all


def test_pages_render_by_role(
    client_for: ClientFor, session: Session, settings: Settings, world: World
) -> None:
    event = make_event(session, world)
    regs = register_all(session, world, event)
    scheduling.schedule_event(session, settings, world.organiser, event.id)
    meeting = session.scalars(select(Meeting).where(Meeting.event_id == event.id)).first()
    assert meeting is not None
    service.record_outcome(
        session,
        world.organiser,
        meeting.id,
        OutcomeUpdate(
            outcome=Outcome.INTENTION, reason="当场达成合作意向", version=meeting.version
        ),
    )
    org = client_for(world.organiser)
    page = org.get(f"/events/{event.id}")
    assert page.status_code == 200, page.text
    assert 'id="schedule-figures"' in page.text and "当场达成合作意向" in page.text
    assert page.text.count('class="reg-label"') == len(regs)
    listing = org.get("/events").text
    assert "储能区校企对接会" in listing and 'href="/events"' in listing  # in the navigation
    assert org.get(f"/events/{event.id}/report").status_code == 200
    intake = org.get(f"/events/{event.id}/intake")
    assert intake.status_code == 200 and 'id="intake-text"' in intake.text
    hits = org.get(
        f"/events/{event.id}/intake/suggestions", params={"text": "锂电池储能热失控预警"}
    )
    assert hits.status_code == 200 and "储能电池热失控预警模型" in hits.text
    assert org.get(f"/events/{event.id}/print/agenda.pdf").content.startswith(b"%PDF")
    assert 'id="table-agendas"' in page.text
    table = org.get(f"/events/{event.id}/print/agenda.xlsx", params={"table": meeting.table_no})
    sheet = load_workbook(io.BytesIO(table.content)).worksheets
    assert [ws.title for ws in sheet] == [event.tables[meeting.table_no]]
    rows = list(sheet[0].iter_rows(min_row=4, values_only=True))
    assert len(rows) == sum(
        1 for m in session.scalars(select(Meeting)) if m.table_no == meeting.table_no
    )
    # A participant may not print a table's agenda.
    denied = client_for(enterprise_user(world.ents["vision"].id)).get(
        f"/events/{event.id}/print/agenda.pdf", params={"table": 0}
    )
    assert denied.status_code == 404

    firm = client_for(enterprise_user(world.ents["vision"].id))
    own = firm.get(f"/events/{event.id}")
    assert own.status_code == 200
    assert own.text.count('class="reg-label"') == 1
    # The firm is offered only itself to register (already registered here: nothing).
    assert "储能科技有限公司（" not in own.text and "芯片测试有限公司（" not in own.text
    assert 'id="schedule-button"' not in own.text

    auditor = client_for(Actor(role=Role.AUDITOR, user_id=9, username="audit"))
    read = auditor.get(f"/events/{event.id}")
    assert read.status_code == 200 and 'class="inline outcome-form"' not in read.text
    outside = client_for(zone_admin(world.outside_zone.id)).get(f"/events/{event.id}")
    assert outside.status_code == 404
