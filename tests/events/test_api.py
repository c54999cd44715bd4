"""The events API: create, register, approve, schedule (the CLI's keys), outcome, intake,
report and agendas, with tenancy."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.events.models import Event
from tests.actors import enterprise_user, university_admin, zone_admin
from tests.conftest import ClientFor
from tests.events.conftest import World

PROVINCE = Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="province")


def _event_body(w: World) -> dict[str, object]:
    return {
        "title": "储能区校企对接会",
        "event_date": "2025-07-10",
        "place": "储能区会议中心",
        "zone_ids": [w.other_zone.id],
        "university_ids": [w.uni.id, w.other_uni.id],
        "slots": ["14:00-14:20", "14:20-14:40"],
        "tables": ["1号桌", "2号桌"],
        "meeting_cap": 2,
    }


def test_event_flow_through_the_api(client_for: ClientFor, world: World, session: Session) -> None:
    def org() -> TestClient:
        return client_for(world.organiser)

    created = org().post("/api/v1/events", json=_event_body(world))
    assert created.status_code == 201, created.text
    event = created.json()
    assert event["zone_ids"] == sorted([world.zone.id, world.other_zone.id])
    eid = event["id"]
    # Bad input names the field.
    bad = org().post("/api/v1/events", json={**_event_body(world), "slots": [], "meeting_cap": 0})
    assert (bad.status_code, set(bad.json()["fields"])) == (422, {"slots", "meeting_cap"})
    assert session.scalar(select(func.count()).select_from(Event)) == 1

    # The vision firm registers itself and waits; the organiser registers the rest.
    def firm() -> TestClient:
        return client_for(enterprise_user(world.ents["vision"].id))

    mine = firm().post(
        f"/api/v1/events/{eid}/registrations",
        json={"side": "企业", "enterprise_id": world.ents["vision"].id,
              "demand_ids": [world.demands["vision"].id]},
    )  # fmt: skip
    assert (mine.status_code, mine.json()["status"]) == (201, "pending")
    for key in ("storage", "chip"):
        r = org().post(
            f"/api/v1/events/{eid}/registrations",
            json={"side": "enterprise", "enterprise_id": world.ents[key].id,
                  "demand_ids": [world.demands[key].id]},
        )  # fmt: skip
        assert r.status_code == 201
    for uni, name, item in (
        (world.uni, "王储能", "storage"),
        (world.other_uni, "赵视觉", "vision"),
    ):
        r = client_for(university_admin(uni.id)).post(
            f"/api/v1/events/{eid}/registrations",
            json={"side": "researcher", "university_id": uni.id, "researcher_name": name,
                  "supply_item_ids": [world.items[item].id]},
        )  # fmt: skip
        assert (r.status_code, r.json()["status"]) == (201, "pending"), r.text
    listed = org().get(f"/api/v1/events/{eid}/registrations").json()
    assert len(listed) == 5
    assert [r["id"] for r in firm().get(f"/api/v1/events/{eid}/registrations").json()] == [
        mine.json()["id"]
    ]
    for reg in listed:
        if reg["status"] == "pending":
            denied = firm().post(
                f"/api/v1/events/registrations/{reg['id']}/decision",
                json={"approve": True, "version": reg["version"]},
            )
            assert denied.status_code in (403, 404)
            missing = org().post(
                f"/api/v1/events/registrations/{reg['id']}/decision", json={"approve": True}
            )
            assert missing.status_code == 428
            ok = org().post(
                f"/api/v1/events/registrations/{reg['id']}/decision",
                json={"approve": True, "version": reg["version"]},
            )
            assert ok.json()["status"] == "approved"
    # Only the organiser schedules.
    assert firm().post(f"/api/v1/events/{eid}/schedule").status_code == 403
    summary = org().post(f"/api/v1/events/{eid}/schedule").json()
    assert list(summary)[:4] == ["meetings", "total_score", "greedy_total_score", "clashes"]
    assert summary["clashes"] == 0 and summary["meetings"] >= 2
    assert summary["total_score"] >= summary["greedy_total_score"]
    full = org().get(f"/api/v1/events/{eid}/schedule").json()
    assert {k: full[k] for k in ("meetings", "total_score", "clashes")} == {
        k: summary[k] for k in ("meetings", "total_score", "clashes")
    }
    # The vision firm sees its own meetings only.
    own = firm().get(f"/api/v1/events/{eid}/schedule").json()["schedule"]
    assert own and {m["enterprise_registration_id"] for m in own} == {mine.json()["id"]}
    meeting = own[0]
    out = firm().post(
        f"/api/v1/events/meetings/{meeting['id']}/outcome",
        json={"outcome": "有意向", "reason": "当场达成合作意向", "version": meeting["version"]},
    )
    assert (out.status_code, out.json()["outcome"], out.json()["outcome_by"]) == (
        200,
        "intention",
        "ent",
    )
    stale = firm().post(
        f"/api/v1/events/meetings/{meeting['id']}/outcome",
        json={"outcome": "需再沟通", "version": meeting["version"]},
    )
    assert (stale.status_code, stale.json()["error"]) == (409, "conflict")
    # Rescheduling after an outcome is refused.
    locked = org().post(f"/api/v1/events/{eid}/schedule")
    assert (locked.status_code, locked.json()["error"]) == (409, "schedule_locked")
    rep = org().get(f"/api/v1/events/{eid}/report").json()
    assert (rep["intentions"], rep["meetings"]) == (1, summary["meetings"])
    assert firm().get(f"/api/v1/events/{eid}/report").status_code == 403
    # Agendas.
    xlsx = org().get(f"/api/v1/events/{eid}/agenda.xlsx")
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert len(wb.sheetnames) == 5 + 2  # five participants, two tables
    pdf = firm().get(f"/api/v1/events/{eid}/agenda.pdf", params={"registration": mine.json()["id"]})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Chinese text is set in an embedded CJK font (Noto Sans CJK SC).
    assert b"NotoSansCJKSC" in pdf.content
    other = firm().get(f"/api/v1/events/{eid}/agenda.pdf", params={"registration": listed[0]["id"]})
    assert other.status_code == 404 or listed[0]["id"] == mine.json()["id"]
    # Outsiders see nothing of the event.
    outside = client_for(zone_admin(world.outside_zone.id)).get(f"/api/v1/events/{eid}")
    assert (outside.status_code, outside.json()["error"]) == (404, "not_found")


def test_intake_api(client_for: ClientFor, world: World) -> None:
    def org() -> TestClient:
        return client_for(world.organiser)

    eid = org().post("/api/v1/events", json=_event_body(world)).json()["id"]
    ent = org().post(
        f"/api/v1/events/{eid}/registrations",
        json={"side": "enterprise", "enterprise_id": world.ents["storage"].id,
              "demand_ids": [world.demands["storage"].id]},
    ).json()  # fmt: skip
    org().post(
        f"/api/v1/events/{eid}/registrations",
        json={"side": "researcher", "university_id": world.uni.id, "researcher_name": "李数据",
              "supply_item_ids": [world.items["data"].id]},
    )  # fmt: skip
    hits = (
        org()
        .get(f"/api/v1/events/{eid}/intake/suggestions", params={"q": "锂电池储能实验数据"})
        .json()
    )
    assert hits[0]["supply_item_id"] == world.items["data"].id and hits[0]["present"]
    # Everyone present comes before anyone from the rest of the province.
    flags = [h["present"] for h in hits]
    assert flags == sorted(flags, reverse=True)
    saved = org().post(
        f"/api/v1/events/{eid}/intake",
        json={"enterprise_registration_id": ent["id"], "title": "储能实验数据合作",
              "description": "需要锂电池储能实验数据", "visibility": "仅管理员",
              "supply_item_id": world.items["data"].id},
    )  # fmt: skip
    assert saved.status_code == 201, saved.text
    body = saved.json()
    assert (body["slot_label"], body["table_label"]) == ("14:00-14:20", "1号桌")
    empty = org().get(f"/api/v1/events/{eid}/intake/suggestions", params={"q": " "})
    assert (empty.status_code, set(empty.json()["fields"])) == (422, {"text"})
