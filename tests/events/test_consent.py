"""A researcher's name in an event's meetings reaches the enterprise only with the researcher's
consent to being shown to enterprises (PIPL 13–15; checklist PI-03, PI-04): the schedule API,
the event page and the printed agenda, given then withdrawn; the organiser always sees it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shuanggao import personal
from shuanggao.accounts import consent
from shuanggao.actor import Actor, Role
from shuanggao.config import Settings
from shuanggao.events import agenda, scheduling
from tests.conftest import ClientFor
from tests.events.conftest import World, make_event, register_all
from tests.factories import create_user

UNSHOWN = "某专家（未授权展示）"


def test_meeting_lists_show_the_researcher_only_with_consent(
    session: Session, client_for: ClientFor, settings: Settings, world: World
) -> None:
    # ``client_for`` first: building the app installs the audit triggers before this test writes.
    event = make_event(session, world)
    regs = register_all(session, world, event)
    researcher = create_user(session, Role.RESEARCHER, university_id=world.uni.id)
    regs["r_storage"].researcher_user_id = researcher.id
    session.flush()
    scheduling.schedule_event(session, settings, world.organiser, event.id)
    firm = Actor(
        role=Role.ENTERPRISE_USER,
        user_id=950,
        username="firm",
        enterprise_id=world.ents["storage"].id,
    )

    def served() -> str:
        client = client_for(firm)
        schedule = client.get(f"/api/v1/events/{event.id}/schedule")
        assert schedule.status_code == 200, schedule.text
        mine = [
            m["researcher"]
            for m in schedule.json()["schedule"]
            if m["researcher_registration_id"] == regs["r_storage"].id
        ]
        assert len(mine) == 1, schedule.json()
        page = client.get(f"/events/{event.id}")
        assert page.status_code == 200
        rows = agenda.agendas(session, firm, event.id, registration_id=regs["storage"].id)[1]
        printed = " ".join(cell for a in rows for row in a.rows for cell in row)
        return "\n".join([mine[0], page.text, printed])

    # Never given: the enterprise sees the university, not the person.
    text = served()
    assert "王储能" not in text and "李数据" not in text and f"{UNSHOWN}（储能大学）" in text
    consent.set_purpose(session, researcher.actor(), personal.PROFILE_TO_ENTERPRISES, True)
    text = served()
    assert "王储能（储能大学）" in text
    # 李数据 (an account that never consented) meets the firm too, and stays unnamed.
    assert "李数据" not in text and UNSHOWN in text
    consent.set_purpose(session, researcher.actor(), personal.PROFILE_TO_ENTERPRISES, False)
    text = served()
    assert "王储能" not in text and UNSHOWN in text
    # The organiser keeps seeing who meets whom.
    org = client_for(world.organiser).get(f"/api/v1/events/{event.id}/schedule").json()
    assert "王储能（储能大学）" in {m["researcher"] for m in org["schedule"]}
