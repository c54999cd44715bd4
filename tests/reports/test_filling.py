"""The 填报 workflow through the API: a zone opens its report pre-filled from its records,
explains differences, submits; the province returns it with a comment, then approves; the
statistics use it. Tenancy, versions, history, reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.reports import reminders, workflow
from shuanggao.reports.models import (
    PeriodicReport,
    ReportEvent,
    ReportIndicator,
    ReportPeriod,
    ReportReminder,
)
from shuanggao.reports.service import compute_stats, record_figures
from shuanggao.reports.sources import DEFAULT_INDICATORS, SOURCES
from tests.conftest import ClientFor
from tests.factories import (
    create_enterprise,
    create_enterprise_service,
    create_funding,
    create_pairing,
    create_platform,
    create_project,
    create_resident,
    create_university,
    create_zone,
)

D = dt.date


def _indicators(session: Session) -> None:
    for ind in DEFAULT_INDICATORS:
        session.add(
            ReportIndicator(
                code=ind.code,
                label=ind.label,
                unit=ind.unit,
                is_money=ind.is_money,
                source=ind.source,
                position=ind.position,
            )
        )
    # One indicator the platform keeps no records of: reported only.
    session.add(ReportIndicator(code="patents", label="专利授权", unit="件", position=95))
    session.flush()


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    a = create_zone(session, name="甲高新区", is_pilot=True)
    b = create_zone(session, name="乙高新区", is_pilot=True)
    u1, u2 = create_university(session), create_university(session)
    pa = create_pairing(session, zone=a, universities=[u1, u2], start_date=D(2026, 7, 15))
    pb = create_pairing(session, zone=b, universities=[u2], start_date=D(2026, 7, 15))
    create_project(session, zone=a, university=u1, start_date=D(2026, 8, 1))
    create_project(session, zone=a, university=u2, start_date=D(2026, 9, 1))
    create_project(session, zone=a, university=u2, start_date=D(2026, 10, 2))  # after the quarter
    create_project(session, zone=b, university=u2, start_date=D(2026, 8, 1))
    create_platform(session, zone=a, universities=[u1], established_date=D(2026, 9, 1))
    create_resident(session, zone=a, university=u1, from_date=D(2026, 7, 20))
    create_resident(session, zone=a, university=u2, from_date=D(2026, 7, 1), to_date=D(2026, 8, 1))
    e1 = create_enterprise(session, zone=a)
    create_enterprise_service(session, enterprise=e1, university=u1, service_date=D(2026, 8, 5))
    create_enterprise_service(session, enterprise=e1, university=u2, service_date=D(2026, 9, 5))
    create_funding(
        session, zone=a, university=u1, amount=Decimal("12345.67"), funding_date=D(2026, 9, 1)
    )
    _indicators(session)
    q3 = ReportPeriod(
        title="2026年第三季度",
        period_start=D(2026, 7, 1),
        period_end=D(2026, 9, 30),
        due_date=D(2026, 10, 31),
    )
    session.add(q3)
    session.flush()
    return {"a": a, "b": b, "q3": q3, "pa": pa, "pb": pb}


def _as(client_for: ClientFor, actor: Actor) -> Callable[[], TestClient]:
    """A client acting as ``actor`` (the override is the app's: take a fresh one per request)."""
    return lambda: client_for(actor)


def _zone(client_for: ClientFor, zone: Any) -> Callable[[], TestClient]:
    return _as(client_for, Actor(role=Role.ZONE_ADMIN, user_id=3, username="zone", zone_id=zone.id))


def _lines(sheet: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["code"]: line for line in sheet["lines"]}


def test_sources_count_what_the_statistics_count(
    session: Session, province: Actor, world: dict[str, Any]
) -> None:
    for zone in (world["a"], world["b"], None):
        zone_id = zone.id if zone is not None else None
        for day in (D(2026, 7, 31), D(2026, 9, 30), D(2026, 12, 31)):
            counted = record_figures(session, province, day, zone_id)
            for key, source in SOURCES.items():
                if key not in counted:
                    continue  # not a statistics figure (talent trained)
                lines = source.lines(session, province, zone_id, day)
                assert source.total(lines) == counted[key], (key, zone_id, day)


def test_zone_opens_prefilled_explains_submits_and_province_approves(
    client_for: ClientFor, province: Actor, session: Session, world: dict[str, Any]
) -> None:
    province_client = _as(client_for, province)
    a, q3 = world["a"], world["q3"]
    zone = _zone(client_for, a)
    opened = zone().post("/api/v1/reports/open", json={"period_id": q3.id})
    assert opened.status_code == 200, opened.text
    sheet = opened.json()
    lines = _lines(sheet)
    assert {k: (v["reported"], v["recorded"]) for k, v in lines.items()} == {
        "pairings": ("2", "2"),
        "projects": ("2", "2"),
        "platforms": ("1", "1"),
        "residents": ("1", "1"),
        "enterprises_served": ("1", "1"),
        "funding_yuan": ("12345.67", "12345.67"),
        "talent_trained": ("0", "0"),
        "contracts": ("0", "0"),
        "consortia": ("0", "0"),
        "patents": (None, None),
    }
    assert lines["projects"]["records_href"] == (
        f"/reports/records/projects?zone_id={a.id}&as_of=2026-09-30"
    )
    report = sheet["report"]
    assert (report["status"], report["zone_id"], report["period_id"]) == ("draft", a.id, q3.id)
    rid, version = report["id"], report["version"]
    # Opening again gives the same report.
    assert (
        zone().post("/api/v1/reports/open", json={"period_id": q3.id}).json()["report"]["id"] == rid
    )

    figures = {"projects": "5", "patents": "12"}
    assert (
        zone().put(f"/api/v1/reports/{rid}/figures", json={"figures": figures}).status_code == 428
    )
    stale = zone().put(
        f"/api/v1/reports/{rid}/figures", json={"figures": figures, "version": version + 1}
    )
    assert stale.status_code == 409
    bad = zone().put(
        f"/api/v1/reports/{rid}/figures",
        json={"figures": {"projects": "五", "funding_yuan": "1.234"}, "version": version},
    )
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"projects", "funding_yuan"}
    saved = zone().put(
        f"/api/v1/reports/{rid}/figures", json={"figures": figures, "version": version}
    )
    assert saved.status_code == 200, saved.text
    lines = _lines(saved.json())
    assert (lines["projects"]["reported"], lines["projects"]["needs_explanation"]) == ("5", True)
    assert (lines["patents"]["reported"], lines["patents"]["needs_explanation"]) == (
        "12",
        False,
    )
    version = saved.json()["report"]["version"]
    unexplained = zone().post(f"/api/v1/reports/{rid}/submit", json={"version": version})
    assert unexplained.status_code == 422
    assert set(unexplained.json()["fields"]) == {"projects"}
    session.expire_all()
    assert session.get(PeriodicReport, rid).status == "draft"  # type: ignore[union-attr]

    explained = zone().put(
        f"/api/v1/reports/{rid}/figures",
        json={"explanations": {"projects": "3 个项目尚未在平台登记"}, "version": version},
    )
    assert explained.status_code == 200
    version = explained.json()["report"]["version"]
    submitted = zone().post(f"/api/v1/reports/{rid}/submit", json={"version": version})
    assert submitted.status_code == 200, submitted.text
    version = submitted.json()["version"]
    # Submitted: the zone can no longer change figures.
    locked = zone().put(
        f"/api/v1/reports/{rid}/figures", json={"figures": {"projects": "6"}, "version": version}
    )
    assert locked.status_code == 409

    back = province_client().post(
        f"/api/v1/reports/{rid}/return", json={"version": version, "comment": "请核对项目数"}
    )
    assert back.status_code == 200
    assert (back.json()["status"], back.json()["return_comment"]) == ("draft", "请核对项目数")
    version = back.json()["version"]
    again = zone().post(f"/api/v1/reports/{rid}/submit", json={"version": version})
    assert again.status_code == 200
    approved = province_client().post(
        f"/api/v1/reports/{rid}/approve", json={"version": again.json()["version"]}
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"

    stats = compute_stats(session, Actor.system(), D(2026, 10, 15), a.id)
    projects = stats.figures["projects"]
    assert (projects.value, projects.source, projects.report_id, projects.records) == (
        5,
        "reports",
        rid,
        3,
    )
    history = zone().get(f"/api/v1/reports/{rid}/history").json()
    assert [(e["action"], e["username"]) for e in history] == [
        ("create", "zone"),
        ("save", "zone"),
        ("save", "zone"),
        ("submit", "zone"),
        ("return", "province"),
        ("submit", "zone"),
        ("approve", "province"),
    ]
    assert history[1]["changes"] == {"projects": ["2", "5"], "patents": [None, "12"]}
    assert history[4]["comment"] == "请核对项目数"
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity == "reports", AuditEvent.entity_id == str(rid))
        .order_by(AuditEvent.seq)
    ).all()
    assert actions == ["create", "update", "update", "submit", "return", "submit", "approve"]


def test_zone_admin_sees_and_opens_only_its_own(
    client_for: ClientFor, province: Actor, session: Session, world: dict[str, Any]
) -> None:
    province_client = _as(client_for, province)
    a, b, q3 = world["a"], world["b"], world["q3"]
    theirs = province_client().post(
        "/api/v1/reports/open", json={"period_id": q3.id, "zone_id": b.id}
    )
    assert theirs.status_code == 200
    their_id = theirs.json()["report"]["id"]
    zone = _zone(client_for, a)
    before = session.scalar(select(func.count()).select_from(PeriodicReport))
    assert (
        zone().post("/api/v1/reports/open", json={"period_id": q3.id, "zone_id": b.id}).status_code
        == 404
    )
    assert session.scalar(select(func.count()).select_from(PeriodicReport)) == before
    assert zone().get(f"/api/v1/reports/{their_id}/sheet").status_code == 404
    assert zone().get(f"/api/v1/reports/{their_id}/history").status_code == 404
    assert (
        zone()
        .put(f"/api/v1/reports/{their_id}/figures", json={"figures": {"projects": 1}, "version": 1})
        .status_code
        == 404
    )
    status = zone().get("/api/v1/reports/status", params={"as_of": "2026-11-05"}).json()
    assert [(s["zone_id"], s["state"]) for s in status] == [(a.id, "overdue")]
    everyone = (
        province_client().get("/api/v1/reports/status", params={"as_of": "2026-11-05"}).json()
    )
    assert sorted((s["zone_id"], s["state"]) for s in everyone) == sorted(
        [(a.id, "overdue"), (b.id, "overdue")]
    )
    assert (
        client_for(Actor(role=Role.ENTERPRISE_USER, user_id=8, enterprise_id=1))
        .get("/api/v1/reports/status")
        .json()
        == []
    )
    auditor = client_for(Actor(role=Role.AUDITOR, user_id=9))
    assert (
        auditor.post("/api/v1/reports/open", json={"period_id": q3.id, "zone_id": a.id}).status_code
        == 403
    )


def test_records_page_lists_what_the_figure_counts(
    client_for: ClientFor, session: Session, world: dict[str, Any]
) -> None:
    a, b = world["a"], world["b"]
    zone = _zone(client_for, a)
    page = zone().get(f"/reports/records/funding_yuan?zone_id={a.id}&as_of=2026-09-30")
    assert page.status_code == 200
    assert "12,345.67 元" in page.text
    projects = zone().get(f"/reports/records/projects?zone_id={b.id}&as_of=2026-09-30")
    # A zone administrator always sees its own zone's records, whatever zone it asks for.
    assert projects.text.count('href="/r/projects/') == 2
    assert zone().get("/reports/records/patents").status_code == 404


def test_reminders_are_written_once_a_day(
    session: Session, world: dict[str, Any], client_for: ClientFor
) -> None:
    a, b, q3 = world["a"], world["b"], world["q3"]
    assert reminders.send_reminders(session, D(2026, 9, 1)) == []  # the quarter is running
    due = reminders.send_reminders(session, D(2026, 10, 20))
    assert sorted((r.zone_id, r.kind) for r in due) == sorted([(a.id, "due"), (b.id, "due")])
    assert reminders.send_reminders(session, D(2026, 10, 20)) == []
    workflow.open_report(session, Actor.system(), q3.id, b.id)
    report = session.scalars(select(PeriodicReport).where(PeriodicReport.zone_id == b.id)).one()
    workflow.submit_report(session, Actor.system(), report.id, expected_version=report.version)
    late = reminders.send_reminders(session, D(2026, 11, 3))
    assert [(r.zone_id, r.kind) for r in late] == [(a.id, "overdue")]
    assert "逾期 3 天" in late[0].message
    assert session.scalar(select(func.count()).select_from(ReportReminder)) == 3
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "remind")
        )
        == 3
    )
    events = session.scalars(select(ReportEvent.action).where(ReportEvent.report_id == report.id))
    assert list(events) == ["create", "submit"]


def test_indicator_source_must_exist(
    client_for: ClientFor, province: Actor, world: dict[str, Any]
) -> None:
    admin_client = client_for(province)
    bad = admin_client.post(
        "/api/v1/report_indicators",
        json={"code": "papers", "label": "论文", "unit": "篇", "source": "papers"},
    )
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"source"}
    ok = admin_client.post(
        "/api/v1/report_indicators", json={"code": "papers", "label": "论文", "unit": "篇"}
    )
    assert ok.status_code == 201, ok.text


def test_talent_trained_counts_confirmed_practice_projects(
    session: Session, province: Actor, world: dict[str, Any]
) -> None:
    from shuanggao.mentoring.models import PracticeProject
    from tests.factories import create_user

    a = world["a"]
    uni = create_university(session)
    pairing = world["pa"]
    enterprise = create_enterprise(session, zone=a)
    mentor = create_user(session, "mentor", university_id=uni.id)
    boss = create_user(session, "enterprise_user", enterprise_id=enterprise.id)
    for n, (state, start) in enumerate(
        [
            ("active", D(2026, 8, 1)),
            ("decided", D(2026, 9, 1)),
            ("proposed", D(2026, 8, 1)),
            ("active", D(2026, 10, 1)),
        ]
    ):
        student = create_user(session, "student", university_id=uni.id)
        session.add(
            PracticeProject(
                title=f"实践项目{n}",
                student_user_id=student.id,
                university_id=uni.id,
                degree_level="professional_master",
                major="电气工程",
                enterprise_id=enterprise.id,
                zone_id=a.id,
                pairing_id=pairing.id,
                university_mentor_id=mentor.id,
                enterprise_mentor_id=boss.id,
                state=state,
                start_date=start,
                outcome_due_date=D(2027, 6, 30),
            )
        )
    session.flush()
    source = SOURCES["talent_trained"]
    lines = source.lines(session, province, a.id, D(2026, 9, 30))
    assert [line.title for line in lines] == ["实践项目0", "实践项目1"]
    assert lines[0].href.startswith("/mentoring/")
    assert source.total(source.lines(session, province, world["b"].id, D(2026, 9, 30))) == 0
    report = workflow.open_report(session, province, world["q3"].id, a.id)
    assert report.extra_figures["talent_trained"] == "2"


def test_university_reports_for_its_pairing_only(
    client_for: ClientFor, province: Actor, session: Session, world: dict[str, Any]
) -> None:
    a, b, q3, pa = world["a"], world["b"], world["q3"], world["pa"]
    member = pa.members[1].university_id
    other = create_university(session)
    pb = create_pairing(session, zone=b, universities=[other], batch="pilot_2026")
    create_project(
        session,
        zone=a,
        university=pa.members[1].university,
        start_date=D(2026, 8, 3),
        pairing_id=pa.id,
    )
    uni = _as(
        client_for,
        Actor(role=Role.UNIVERSITY_ADMIN, user_id=5, username="uni", university_id=member),
    )
    assert uni().post("/api/v1/reports/open", json={"period_id": q3.id}).status_code == 422
    before = session.scalar(select(func.count()).select_from(PeriodicReport))
    foreign = uni().post("/api/v1/reports/open", json={"period_id": q3.id, "pairing_id": pb.id})
    assert foreign.status_code == 404
    assert session.scalar(select(func.count()).select_from(PeriodicReport)) == before
    opened = uni().post("/api/v1/reports/open", json={"period_id": q3.id, "pairing_id": pa.id})
    assert opened.status_code == 200, opened.text
    sheet = opened.json()
    report = sheet["report"]
    assert (report["scope"], report["zone_id"], report["pairing_id"]) == ("pairing", a.id, pa.id)
    lines = _lines(sheet)
    # The pairing's own records: its two universities, the one project filed under it.
    assert (lines["pairings"]["recorded"], lines["projects"]["recorded"]) == ("2", "1")
    assert lines["projects"]["records_href"].endswith(f"&pairing_id={pa.id}")
    status = uni().get("/api/v1/reports/status", params={"as_of": "2026-11-05"}).json()
    # The university is in two pairings (甲's and 乙's): one status each, its report on 甲's.
    assert sorted((s["pairing_id"], s["state"], s["report_id"] or 0) for s in status) == sorted(
        [(pa.id, "overdue", report["id"]), (world["pb"].id, "overdue", 0)]
    )
    submitted = uni().post(
        f"/api/v1/reports/{report['id']}/submit", json={"version": report["version"]}
    )
    assert submitted.status_code == 200, submitted.text
    # A created pairing report of a pairing not the university's is refused by the rules.
    forged = uni().post(
        "/api/v1/reports",
        json={
            "scope": "pairing",
            "zone_id": b.id,
            "pairing_id": pb.id,
            "period_start": "2026-07-01",
            "period_end": "2026-09-30",
            "as_of_date": "2026-09-30",
        },
    )
    assert forged.status_code == 403
    approved = client_for(province).post(
        f"/api/v1/reports/{report['id']}/approve", json={"version": submitted.json()["version"]}
    )
    assert approved.status_code == 200


def test_the_named_collaboration_table_matches_the_pipeline_model() -> None:
    from shuanggao.pipeline.models import Collaboration
    from shuanggao.reports.records_repository import COLLABORATION

    model = Collaboration.__table__
    assert COLLABORATION.name == model.name
    assert {c.name for c in COLLABORATION.c} <= {c.name for c in model.c}


def test_contracts_and_consortia_are_counted_from_their_records(
    client_for: ClientFor, province: Actor, session: Session, world: dict[str, Any]
) -> None:
    from shuanggao.pipeline.models import Collaboration
    from tests.factories import create_consortium, create_demand, create_supply_item

    a, b, q3, pa = world["a"], world["b"], world["q3"], world["pa"]
    uni = pa.members[0].university
    enterprise = create_enterprise(session, zone=a)
    signed = [D(2026, 8, 1), D(2026, 9, 30), D(2026, 10, 1), None]
    for n, day in enumerate(signed):
        demand = create_demand(session, enterprise)
        item = create_supply_item(session, uni)
        session.add(
            Collaboration(
                title=f"合作{n}",
                origin="manual",
                demand_id=demand.id,
                supply_item_id=item.id,
                enterprise_id=enterprise.id,
                university_id=uni.id,
                zone_id=a.id,
                pairing_id=pa.id,
                stage="contract_signed" if day else "engaged",
                intent_date=D(2026, 7, 1),
                contract_signed_date=day,
                confidential=n == 1,
            )
        )
    create_consortium(session, zone=a, agreement_date=D(2026, 9, 1))
    create_consortium(session, zone=a, agreement_date=D(2026, 12, 1))
    create_consortium(session, zone=b, agreement_date=D(2026, 9, 1))
    session.flush()
    contracts, consortia = SOURCES["contracts"], SOURCES["consortia"]
    day = D(2026, 9, 30)
    assert [line.title for line in contracts.lines(session, province, a.id, day)] == [
        "合作0",
        "合作1",
    ]
    zone_actor = Actor(role=Role.ZONE_ADMIN, user_id=3, username="zone", zone_id=a.id)
    titles = [line.title for line in contracts.lines(session, zone_actor, a.id, day)]
    assert titles[0] == "合作0" and titles[1].startswith("保密合作")
    # A zone administrator asking about another zone still counts its own zone only.
    assert contracts.total(contracts.lines(session, zone_actor, b.id, day)) == 2
    enterprise_actor = Actor(role=Role.ENTERPRISE_USER, user_id=8, enterprise_id=enterprise.id)
    assert contracts.lines(session, enterprise_actor, a.id, day) == []
    assert consortia.total(consortia.lines(session, province, a.id, day)) == 1
    assert consortia.total(consortia.lines(session, province, None, day)) == 2
    report = workflow.open_report(session, province, q3.id, a.id)
    assert (report.extra_figures["contracts"], report.extra_figures["consortia"]) == ("2", "1")
