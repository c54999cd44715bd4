"""The self-service export and deletion cover the workflow domains (conflicts, pipeline, events,
mentoring, talent): the person's rows and never another person's; deletion keeps the rows."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.conflicts.models import ConflictDeclaration
from shuanggao.events.models import Event, Meeting, Registration
from shuanggao.mentoring.models import Assessment, Milestone, PracticeProject, ProgressReport
from shuanggao.mentoring.models import Meeting as PracticeMeeting
from shuanggao.pipeline.models import Collaboration, CollaborationStep
from shuanggao.talent.models import Resident
from tests.conftest import ClientFor
from tests.factories import (
    TEST_PASSWORD,
    create_conflict_declaration,
    create_demand,
    create_demand_enterprise,
    create_pairing,
    create_resident,
    create_supply_item,
    create_university,
    create_user,
)

SECTIONS = (
    "利益冲突申报",
    "合作推进",
    "合作推进记录",
    "活动报名",
    "活动对接洽谈",
    "实践项目里程碑",
    "实践项目进展报告",
    "实践项目会议",
    "实践项目评分",
    "驻区记录",
)


def seed_person(session: Session, uni: Any, pairing: Any, ent: Any, who: str, name: str) -> Any:
    """One researcher-student with a row in every workflow domain, all marked with ``who``."""
    user = create_user(session, "researcher", university_id=uni.id, display_name=name)
    create_conflict_declaration(session, user, note=f"{who}的持股说明")
    item = create_supply_item(session, uni, title=f"{who}的成果", owner_user_id=user.id)
    demand = create_demand(session, ent, title=f"{who}的需求")
    collab = Collaboration(
        title=f"{who}的合作",
        origin="direct",
        demand_id=demand.id,
        supply_item_id=item.id,
        enterprise_id=ent.id,
        university_id=uni.id,
        zone_id=ent.zone_id,
        researcher_user_id=user.id,
        stage="intent",
        decline_reason=f"{who}的终止原因",
        intent_date=dt.date(2026, 1, 5),
    )
    session.add(collab)
    session.flush()
    session.add(
        CollaborationStep(
            collaboration_id=collab.id,
            kind="start",
            side="university",
            happened_date=dt.date(2026, 1, 5),
            note=f"{who}的推进说明",
            actor_name=user.username,
        )
    )
    event = Event(title=f"{who}的对接会", event_date=dt.date(2026, 3, 1), slots=["14:00"])
    session.add(event)
    session.flush()
    mine = Registration(
        event_id=event.id,
        side="researcher",
        party_key=f"r:{uni.id}:{name}",
        university_id=uni.id,
        researcher_name=name,
        researcher_user_id=user.id,
    )
    firm = Registration(
        event_id=event.id, side="enterprise", party_key=f"e:{ent.id}", enterprise_id=ent.id
    )
    session.add_all([mine, firm])
    session.flush()
    session.add(
        Meeting(
            event_id=event.id,
            slot=0,
            table_no=0,
            enterprise_registration_id=firm.id,
            researcher_registration_id=mine.id,
            outcome="interested",
            outcome_reason=f"{who}的洽谈结果",
            outcome_by=user.username,
        )
    )
    mentor_u = create_user(session, "researcher", university_id=uni.id)
    mentor_e = create_user(session, "enterprise_user", enterprise_id=ent.id)
    project = PracticeProject(
        title=f"{who}的实践项目",
        student_user_id=user.id,
        university_id=uni.id,
        degree_level="master",
        major="材料",
        enterprise_id=ent.id,
        zone_id=ent.zone_id,
        pairing_id=pairing.id,
        university_mentor_id=mentor_u.id,
        enterprise_mentor_id=mentor_e.id,
        start_date=dt.date(2026, 1, 1),
        outcome_due_date=dt.date(2026, 6, 30),
        plan=f"{who}的计划",
    )
    session.add(project)
    session.flush()
    session.add_all(
        [
            Milestone(project_id=project.id, title=f"{who}的里程碑", due_date=dt.date(2026, 2, 1)),
            ProgressReport(project_id=project.id, period="2026-01", content=f"{who}的进展"),
            PracticeMeeting(
                project_id=project.id,
                meeting_date=dt.date(2026, 2, 2),
                attendees=f"{name}、导师",
                minutes=f"{who}的纪要",
            ),
            Assessment(
                project_id=project.id,
                side="university",
                mentor_user_id=mentor_u.id,
                scores={"a": 90},
                total=Decimal("90"),
                comment=f"{who}的评语",
            ),
        ]
    )
    create_resident(
        session, zone=None, university=uni, person_name=name, user_id=user.id, note=f"{who}的备注"
    )
    session.flush()
    return user


def _world(session: Session) -> tuple[Any, Any]:
    uni = create_university(session)
    pairing = create_pairing(session, universities=[uni])
    ent = create_demand_enterprise(session)
    me = seed_person(session, uni, pairing, ent, "甲", "张三丰")
    other = seed_person(session, uni, pairing, ent, "乙", "李四光")
    return me, other


def test_export_holds_every_workflow_section_with_my_rows_only(
    session: Session, client_for: ClientFor
) -> None:
    me, _ = _world(session)
    client = client_for(me.actor())
    resp = client.get("/api/v1/me/personal-data", params={"format": "json"})
    assert resp.status_code == 200, resp.text
    data = json.loads(resp.content)
    for title in SECTIONS:
        assert data[title], title
        assert "乙" not in json.dumps(data[title], ensure_ascii=False), title
        assert "李四光" not in json.dumps(data[title], ensure_ascii=False), title
    assert [d["说明"] for d in data["利益冲突申报"]] == ["甲的持股说明"]
    assert [c["名称"] for c in data["合作推进"]] == ["甲的合作"]
    assert [s["说明"] for s in data["合作推进记录"]] == ["甲的推进说明"]
    assert [r["姓名"] for r in data["活动报名"]] == ["张三丰"]
    assert [m["说明"] for m in data["活动对接洽谈"]] == ["甲的洽谈结果"]
    assert [m["名称"] for m in data["实践项目里程碑"]] == ["甲的里程碑"]
    assert [r["内容"] for r in data["实践项目进展报告"]] == ["甲的进展"]
    assert [m["纪要"] for m in data["实践项目会议"]] == ["甲的纪要"]
    assert [a["评语"] for a in data["实践项目评分"]] == ["甲的评语"]
    assert [r["备注"] for r in data["驻区记录"]] == ["甲的备注"]
    xlsx = client.get("/api/v1/me/personal-data", params={"format": "xlsx"})
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert set(SECTIONS) <= set(book.sheetnames)
    for title in SECTIONS:
        cells = [str(c) for row in book[title].iter_rows(values_only=True) for c in row]
        assert any("甲" in c or "张三丰" in c for c in cells), title
        assert not any("乙" in c or "李四光" in c for c in cells), title


def _counts(session: Session) -> list[int]:
    models = (
        ConflictDeclaration,
        Collaboration,
        CollaborationStep,
        Registration,
        Meeting,
        PracticeProject,
        ProgressReport,
        PracticeMeeting,
        Assessment,
        Resident,
    )
    return [session.scalar(select(func.count()).select_from(m)) or 0 for m in models]


def test_deletion_clears_my_workflow_text_keeps_counts_and_others(
    session: Session, client_for: ClientFor
) -> None:
    me, other = _world(session)
    before = _counts(session)
    done = client_for(me.actor()).post("/api/v1/me/deletion", json={"password": TEST_PASSWORD})
    assert done.status_code == 200, done.text
    session.expire_all()
    assert _counts(session) == before

    def texts(user_id: int) -> str:
        rows: list[Any] = [
            *session.scalars(
                select(ConflictDeclaration).where(ConflictDeclaration.user_id == user_id)
            ),
            *session.scalars(
                select(Registration).where(Registration.researcher_user_id == user_id)
            ),
            *session.scalars(select(Resident).where(Resident.user_id == user_id)),
            *session.scalars(
                select(Collaboration).where(Collaboration.researcher_user_id == user_id)
            ),
        ]
        projects = select(PracticeProject.id).where(PracticeProject.student_user_id == user_id)
        rows += session.scalars(
            select(ProgressReport).where(ProgressReport.project_id.in_(projects))
        )
        rows += session.scalars(
            select(PracticeMeeting).where(PracticeMeeting.project_id.in_(projects))
        )
        rows += session.scalars(select(PracticeProject).where(PracticeProject.id.in_(projects)))
        regs = select(Registration.id).where(Registration.researcher_user_id == user_id)
        rows += session.scalars(select(Meeting).where(Meeting.researcher_registration_id.in_(regs)))
        collabs = select(Collaboration.id).where(Collaboration.researcher_user_id == user_id)
        rows += session.scalars(
            select(CollaborationStep).where(CollaborationStep.collaboration_id.in_(collabs))
        )
        return " ".join(str(v) for r in rows for k, v in vars(r).items() if not k.startswith("_"))

    mine = texts(me.id)
    for marker in (
        "张三丰",
        "甲的持股说明",
        "甲的推进说明",
        "甲的洽谈结果",
        "甲的进展",
        "甲的计划",
        "甲的备注",
        "甲的终止原因",
    ):
        assert marker not in mine, marker
    assert "（已匿名）" in mine
    theirs = texts(other.id)
    for marker in (
        "李四光",
        "乙的持股说明",
        "乙的推进说明",
        "乙的洽谈结果",
        "乙的进展",
        "乙的备注",
    ):
        assert marker in theirs, marker
