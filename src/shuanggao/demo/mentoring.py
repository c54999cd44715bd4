"""Demo practice projects of the dual-mentor scheme (双导师制), after the article's case: a
南京工程学院 graduate at 江苏林洋储能技术有限公司 (南京建邺高新区), guided by the teacher 彭纪昌
and an engineer of the enterprise — one project carried to an accepted outcome in place of the
thesis, one still in practice.

The people are demo accounts of their own (random passwords: they are shown, not signed in as);
every step goes through the mentoring services, so the rows are checked and audited as users'
would be.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.accounts import consent, passwords
from shuanggao.accounts.models import User
from shuanggao.actor import Actor, Role
from shuanggao.demo.context import DemoContext
from shuanggao.demo.repository import universities_by_name
from shuanggao.enterprises.models import Enterprise
from shuanggao.mentoring import assessment, service
from shuanggao.mentoring.schemas import (
    MeetingCreate,
    MilestoneCreate,
    OutcomeSubmit,
    ProjectCreate,
    ReportCreate,
    ScoreSubmit,
)

ORDER = 70
EVIDENCE = "江苏林洋储能技术有限公司 2 号储能舱热失控预警系统试运行报告（演示数据）。\n"
LABEL = "双导师实践"
UNIVERSITY = "南京工程学院"
ENTERPRISE = "江苏林洋储能技术有限公司"
# (username, display name, role, tenant kind)
PEOPLE = (
    ("demo.pp.zhou", "周子涵", Role.STUDENT, "university"),
    ("demo.pp.li", "李沐阳", Role.STUDENT, "university"),
    ("demo.pp.peng", "彭纪昌", Role.MENTOR, "university"),
    ("demo.pp.chen", "陈立新", Role.ENTERPRISE_USER, "enterprise"),
)


def _user(session: Session, username: str, name: str, role: Role, tenant: dict[str, int]) -> User:
    found = session.scalars(select(User).where(User.username == username)).first()
    if found is not None:
        return found
    user = User(
        username=username,
        display_name=name,
        role=role.value,
        password_hash=passwords.hash_password(secrets.token_urlsafe(24)),
        is_demo=True,
        must_change_password=False,
        **tenant,
    )
    session.add(user)
    session.flush()
    return user


def load_demo(session: Session, actor: Actor, ctx: DemoContext) -> int:
    uni_id = universities_by_name(session, [UNIVERSITY]).get(UNIVERSITY)
    ent = session.scalars(select(Enterprise).where(Enterprise.name == ENTERPRISE)).first()
    if uni_id is None or ent is None:
        return 0
    if session.scalars(select(User.id).where(User.username == PEOPLE[0][0])).first():
        return 0
    ctx.step(f"{UNIVERSITY} × {ENTERPRISE}：双导师实践")
    people = {
        username: _user(
            session,
            username,
            name,
            role,
            {"university_id": uni_id} if kind == "university" else {"enterprise_id": ent.id},
        )
        for username, name, role, kind in PEOPLE
    }
    zhou, li = people["demo.pp.zhou"].actor(), people["demo.pp.li"].actor()
    peng, chen = people["demo.pp.peng"].actor(), people["demo.pp.chen"].actor()
    # Both students share their practice record with the enterprise mentor (without it the
    # mentor would see the projects but not the reports they acknowledge below).
    for student in (zhou, li):
        consent.set_purpose(session, student, consent.PRACTICE, True)

    def register(student: Actor, title: str, major: str, start: dt.date, due: dt.date) -> int:
        p = service.register_project(
            session,
            student,
            ProjectCreate(
                title=title,
                degree_level="professional_master",  # type: ignore[arg-type]
                major=major,
                enterprise_id=ent.id,
                university_mentor_id=people["demo.pp.peng"].id,
                enterprise_mentor_id=people["demo.pp.chen"].id,
                start_date=start,
                outcome_due_date=due,
                plan="在企业储能电站现场开展电池簇安全状态评估与预警算法研究，按季度报告进展。",
            ),
        )
        p.is_demo = True
        session.flush()
        for mentor in (peng, chen):
            service.accept(session, mentor, p.id, version(p.id))
        return p.id

    def version(pid: int) -> int:
        return service.get_project(session, actor, pid).version

    done = register(
        zhou,
        "锂电池储能系统热失控早期预警方法研究与工程应用",
        "电气工程",
        dt.date(2025, 9, 1),
        dt.date(2026, 6, 30),
    )
    for title, due in (("完成数据采集平台搭建", dt.date(2025, 12, 31)),
                       ("完成预警模型现场验证", dt.date(2026, 4, 30))):  # fmt: skip
        m = service.add_milestone(
            session, zhou, done, MilestoneCreate(version=version(done), title=title, due_date=due)
        )
        service.complete_milestone(session, zhou, done, m.id, version(done))
    for period, text in (
        (
            "2025-12",
            "在林洋储能电站部署温度、电压与气体传感数据采集，累计采集 3 个电池簇 90 天数据。",
        ),
        (
            "2026-03",
            "基于多特征融合的热失控预警模型在现场试运行，提前 12 分钟发出预警，误报率 1.8%。",
        ),
    ):
        r = service.submit_report(
            session, zhou, done, ReportCreate(version=version(done), period=period, content=text)
        )
        for mentor in (peng, chen):
            service.read_report(session, mentor, done, r.id, version(done))
    service.record_meeting(
        session,
        chen,
        done,
        MeetingCreate(
            version=version(done),
            meeting_date=dt.date(2026, 3, 20),
            attendees="周子涵、彭纪昌、陈立新",
            minutes="确认预警模型在 2 号储能舱扩大试运行，成果以“预警系统 + 技术报告”形式提交。",
        ),
    )
    assessment.add_evidence(
        session,
        zhou,
        done,
        version(done),
        filename="热失控预警系统试运行报告.txt",
        content_type="text/plain",
        content=EVIDENCE.encode(),
        max_bytes=1024 * 1024,
    )
    assessment.submit_outcome(
        session,
        zhou,
        done,
        OutcomeSubmit(
            version=version(done),
            outcome_kind="software",  # type: ignore[arg-type]
            outcome_title="储能电站热失控早期预警系统 V1.0",
            outcome_summary="融合温度、电压与气体特征的预警系统，已在企业储能电站试运行并形成技术报告。",
        ),
    )
    for mentor, scores, comment in (
        (peng, {"学术深度": 84, "产业价值": 92, "创新性": 86, "工作量": 88, "规范性": 82},
         "方法有理论依据，验证充分，达到专业学位论文要求。"),
        (chen, {"学术深度": 80, "产业价值": 94, "创新性": 84, "工作量": 90, "规范性": 80},
         "系统已在电站试运行，降低了安全运维成本，产业价值突出。"),
    ):  # fmt: skip
        assessment.score(
            session,
            mentor,
            done,
            ScoreSubmit(version=version(done), scores=scores, comment=comment),
        )
    for mentor in (peng, chen):
        assessment.sign(session, mentor, done, version(done))

    ongoing = register(
        li,
        "储能变流器并网适应性测试方法研究",
        "电气工程",
        dt.date(2026, 3, 1),
        dt.date(2027, 1, 31),
    )
    step = MilestoneCreate(
        version=version(ongoing), title="完成测试平台方案评审", due_date=dt.date(2026, 12, 31)
    )
    service.add_milestone(session, li, ongoing, step)
    text = "完成变流器并网测试标准调研与测试工况设计。"
    report = ReportCreate(version=version(ongoing), period="2026-09", content=text)
    service.submit_report(session, li, ongoing, report)
    return len(PEOPLE) + 2
