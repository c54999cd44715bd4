"""Rows where the person acts for others (mentor, committee member, reviewer, event organiser,
triager, reporter) are in the self-service export and are cleared by deletion, while the scores,
decisions and row counts stay; another person's rows are untouched. Anonymised residents never
collide on the resident's unique key."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.demand.models import DemandTriage
from shuanggao.events.models import Event, Registration
from shuanggao.events.models import Meeting as EventMeeting
from shuanggao.imports.models import ImportJob
from shuanggao.matches.models import DemandGroup, DemandGroupMember, MatchJudgement
from shuanggao.mentoring.models import Assessment, Declaration, PracticeProject, Rubric
from shuanggao.mentoring.models import Meeting as PracticeMeeting
from shuanggao.privacy import service as privacy
from shuanggao.reports.models import PeriodicReport, ReportEvent
from shuanggao.talent.models import Resident
from tests.conftest import ClientFor
from tests.factories import (
    TEST_PASSWORD,
    create_demand,
    create_demand_enterprise,
    create_match,
    create_pairing,
    create_report,
    create_resident,
    create_supply_item,
    create_university,
    create_user,
    create_zone,
)

SECTIONS = (
    "指导的实践项目",
    "导师评分",
    "导师回避申报",
    "记录的实践项目会议",
    "成果认定",
    "评审委员会",
    "活动报名审核与签到",
    "记录的洽谈结果",
    "匹配研判",
    "需求梳理",
    "报告填报与审核",
    "导入任务",
)
MODELS = (
    PracticeProject,
    Assessment,
    Declaration,
    PracticeMeeting,
    Rubric,
    Registration,
    EventMeeting,
    MatchJudgement,
    DemandTriage,
    PeriodicReport,
    ReportEvent,
    ImportJob,
    DemandGroup,
    DemandGroupMember,
)


def seed_mentor(session: Session, world: dict[str, Any], who: str, name: str) -> Any:
    """A university mentor with one row in every role-side table, each marked with ``who``."""
    uni, ent, pairing = world["uni"], world["ent"], world["pairing"]
    me = create_user(session, "researcher", university_id=uni.id, display_name=name)
    student = create_user(session, "researcher", university_id=uni.id)
    firm_mentor = create_user(session, "enterprise_user", enterprise_id=ent.id)
    project = PracticeProject(
        title=f"{who}指导的项目",
        student_user_id=student.id,
        university_id=uni.id,
        degree_level="master",
        major="材料",
        enterprise_id=ent.id,
        zone_id=ent.zone_id,
        pairing_id=pairing.id,
        university_mentor_id=me.id,
        enterprise_mentor_id=firm_mentor.id,
        start_date=dt.date(2026, 1, 1),
        outcome_due_date=dt.date(2026, 6, 30),
        state="decided",
        decision="accepted",
        decision_rule="均分 ≥ 75",
        decision_note=f"{who}的认定说明",
        decided_by_id=me.id,
        decided_at=dt.datetime(2026, 7, 1, tzinfo=dt.UTC),
    )
    session.add(project)
    session.flush()
    rubric_uni = create_university(session)
    event = Event(title=f"{who}的对接会", event_date=dt.date(2026, 3, 1), slots=["14:00"])
    session.add(event)
    session.flush()
    firm = Registration(
        event_id=event.id,
        side="enterprise",
        party_key=f"e:{ent.id}",
        enterprise_id=ent.id,
        status="approved",
        decided_by=me.username,
        checked_in_by=me.username,
    )
    researcher = Registration(
        event_id=event.id,
        side="researcher",
        party_key=f"r:{uni.id}:{who}",
        university_id=uni.id,
        researcher_name="某研究员",
    )
    session.add_all([firm, researcher])
    session.flush()
    match = create_match(session, create_demand(session, ent), create_supply_item(session, uni))
    report = create_report(
        session, period_end=dt.date(2025, 11, 30) + dt.timedelta(days=len(world["seen"]))
    )
    world["seen"].append(who)
    report.submitted_by = me.username
    session.add_all(
        [
            Assessment(
                project_id=project.id,
                side="university",
                mentor_user_id=me.id,
                scores={"a": 88},
                total=Decimal("88.00"),
                comment=f"{who}的评语",
                signed_at=dt.datetime(2026, 6, 30, tzinfo=dt.UTC),
            ),
            Declaration(
                mentor_user_id=me.id,
                kind="co_owner",
                enterprise_id=create_demand_enterprise(session).id,
                note=f"{who}的回避说明",
                declared_by_id=me.id,
            ),
            PracticeMeeting(
                project_id=project.id,
                meeting_date=dt.date(2026, 2, 2),
                attendees=f"{name}、学生",
                minutes=f"{who}的会议纪要",
                recorded_by_id=me.id,
            ),
            Rubric(
                university_id=rubric_uni.id,
                criteria=[{"name": "学术深度", "weight": 100}],
                committee_user_id=me.id,
            ),
            EventMeeting(
                event_id=event.id,
                slot=0,
                table_no=0,
                enterprise_registration_id=firm.id,
                researcher_registration_id=researcher.id,
                outcome="interested",
                outcome_reason=f"{who}的洽谈记录",
                outcome_by=me.username,
            ),
            MatchJudgement(
                match_id=match.id,
                side="supply",
                state="interested",
                reason=f"{who}的研判理由",
                judged_by=me.username,
                judged_by_user_id=me.id,
                judged_role="researcher",
                judged_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
            ),
            DemandTriage(
                demand_id=match.demand_id,
                from_state="new",
                to_state="refined",
                triage_reason=f"{who}的梳理理由",
                moved_by=me.username,
                moved_by_user_id=me.id,
                moved_role="researcher",
                moved_at=dt.datetime(2026, 4, 2, tzinfo=dt.UTC),
            ),
            ReportEvent(
                report_id=report.id,
                username=me.username,
                action="submitted",
                comment=f"{who}的报告意见",
            ),
            ImportJob(
                kind="supply_items",
                filename=f"{who}的导入名单.xlsx",
                data=f"{who}的上传内容".encode(),
                file_format="xlsx",
                file_size=1,
                file_sha256="0" * 64,
                status="previewed",
                actor_user_id=me.id,
                actor_name=me.username,
                actor_role="researcher",
            ),
        ]
    )
    session.flush()
    group = DemandGroup(name=f"{who}的合并组", note=f"{who}的合并说明", created_by=me.username)
    session.add(group)
    session.flush()
    session.add(
        DemandGroupMember(
            group_id=group.id,
            demand_id=match.demand_id,
            added_by=me.username,
            added_at=dt.datetime(2026, 4, 3, tzinfo=dt.UTC),
        )
    )
    session.flush()
    return me


def _world(session: Session) -> tuple[Any, Any]:
    uni = create_university(session)
    world = {
        "uni": uni,
        "pairing": create_pairing(session, universities=[uni]),
        "ent": create_demand_enterprise(session),
        "seen": [],
    }
    return seed_mentor(session, world, "甲", "张导师"), seed_mentor(session, world, "乙", "李导师")


def test_export_holds_my_role_side_rows_only(session: Session, client_for: ClientFor) -> None:
    me, _ = _world(session)
    resp = client_for(me.actor()).get("/api/v1/me/personal-data", params={"format": "json"})
    assert resp.status_code == 200, resp.text
    data = json.loads(resp.content)
    for title in SECTIONS:
        assert len(data[title]) == 1, (title, data[title])
        text = json.dumps(data[title], ensure_ascii=False)
        assert "乙" not in text and "李导师" not in text, title
    assert data["导师评分"][0]["评语"] == "甲的评语"
    assert data["导师评分"][0]["总分"] == "88.00"
    assert data["指导的实践项目"][0]["本人角色"] == "高校导师"
    assert data["导师回避申报"][0]["说明"] == "甲的回避说明"
    assert data["记录的实践项目会议"][0]["纪要"] == "甲的会议纪要"
    assert data["成果认定"][0]["说明"] == "甲的认定说明"
    assert data["活动报名审核与签到"][0]["审核"] is True
    assert data["记录的洽谈结果"][0]["说明"] == "甲的洽谈记录"
    assert data["匹配研判"][0]["理由"] == "甲的研判理由"
    assert data["需求梳理"][0]["理由"] == "甲的梳理理由"
    assert data["报告填报与审核"][0]["意见"] == "甲的报告意见"
    assert data["导入任务"][0]["文件名"] == "甲的导入名单.xlsx"
    assert [g["说明"] for g in data["合并需求组"]] == ["甲的合并说明"]
    assert len(data["加入合并需求组的需求"]) == 1


def _counts(session: Session) -> list[int]:
    return [session.scalar(select(func.count()).select_from(m)) or 0 for m in MODELS]


def _texts(session: Session) -> str:
    return " ".join(
        str(v)
        for model in MODELS
        for row in session.scalars(select(model))
        for k, v in vars(row).items()
        if not k.startswith("_")
    )


def test_deletion_clears_role_side_text_keeps_scores_decisions_and_counts(
    session: Session, client_for: ClientFor
) -> None:
    me, other = _world(session)
    username = me.username
    before = _counts(session)
    done = client_for(me.actor()).post("/api/v1/me/deletion", json={"password": TEST_PASSWORD})
    assert done.status_code == 200, done.text
    session.expire_all()
    assert _counts(session) == before
    texts = _texts(session)
    for marker in (
        username,
        "张导师",
        "甲的评语",
        "甲的回避说明",
        "甲的会议纪要",
        "甲的认定说明",
        "甲的洽谈记录",
        "甲的研判理由",
        "甲的梳理理由",
        "甲的报告意见",
        "甲的导入名单",
        "甲的合并说明",
    ):
        assert marker not in texts, marker
    job = session.scalars(select(ImportJob).where(ImportJob.actor_user_id == me.id)).one()
    assert (job.filename, job.data, job.status) == ("（已匿名）", None, "previewed")
    for marker in (
        other.username,
        "李导师",
        "乙的评语",
        "乙的认定说明",
        "乙的研判理由",
        "乙的导入名单",
    ):
        assert marker in texts, marker
    mine = session.scalars(select(Assessment).where(Assessment.mentor_user_id == me.id)).one()
    assert (mine.comment, mine.total, mine.scores) == ("（已匿名）", Decimal("88.00"), {"a": 88})
    assert mine.signed_at is not None
    project = session.scalars(select(PracticeProject).where(PracticeProject.decided_by_id == me.id))
    decided = project.one()
    assert (decided.decision, decided.decision_note) == ("accepted", "（已匿名）")
    triage = session.scalars(
        select(DemandTriage).where(DemandTriage.moved_by_user_id == me.id)
    ).one()
    assert (triage.to_state, triage.moved_by, triage.triage_reason) == (
        "refined",
        "（已匿名）",
        "（已匿名）",
    )
    judgement = session.scalars(
        select(MatchJudgement).where(MatchJudgement.judged_by_user_id == me.id)
    ).one()
    assert (judgement.state, judgement.reason) == ("interested", "（已匿名）")


def test_two_deleted_residents_sharing_university_zone_and_start_stay_distinct(
    session: Session,
) -> None:
    uni, zone = create_university(session), create_zone(session)
    people = [
        create_user(session, "researcher", university_id=uni.id, display_name=name)
        for name in ("王同学", "陈同学")
    ]
    rows = [
        create_resident(session, zone, uni, person_name=p.display_name, user_id=p.id)
        for p in people
    ]
    for person in people:
        privacy.anonymise(session, person.actor(), person, "k" * 40, "测试")
        session.flush()
    session.expire_all()
    names = {r.id: r.person_name for r in session.scalars(select(Resident))}
    assert names == {r.id: f"（已匿名-{r.id}）" for r in rows}
