"""Demo matchmaking event: the article's 南京建邺高新区“双高协同”校企对接会 (July 2025).

江苏林洋储能 registers with 陈钊's need (锂电池储能系统安全预测与预警), 南京工程学院's 彭纪昌
with his experimental data; both are checked in, their meeting is booked and marked 有意向
(当场达成合作意向, as the article reports), which carries the pair's collaboration (the pipeline
demo's, begun the same day) to this meeting. The day is not reported: the demo uses 10 July
2025, as the pipeline demo does, and says so. A second load finds the event by title and date
and writes nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.demo import repository as demo_repo
from shuanggao.demo.context import DemoContext
from shuanggao.demo.data import ARTICLE_NOTE
from shuanggao.demo.demand import ARTICLE_DEMAND_TITLE, ARTICLE_ENTERPRISE, ARTICLE_ZONE
from shuanggao.demo.errors import DemoPrerequisiteMissing
from shuanggao.demo.supply import ARTICLE_UNIVERSITY
from shuanggao.events import intake, service
from shuanggao.events import repository as events_repo
from shuanggao.events.schemas import (
    EventCreate,
    MeetingOrigin,
    Outcome,
    OutcomeUpdate,
    RegistrationCreate,
    Side,
)

ORDER = 90
LABEL = "校企对接会"

EVENT_TITLE = "南京建邺高新区“双高协同”校企对接会"
EVENT_DATE = dt.date(2025, 7, 10)
ARTICLE_RESEARCHER = "彭纪昌"
# Other zones and universities invited (the 南京 and 溧阳 pilots working on storage and digital).
GUEST_ZONES = ("南京鼓楼高新区", "溧阳高新区")
GUEST_UNIVERSITIES = ("南京邮电大学", "河海大学", "江苏理工学院")
SLOTS = ("14:00-14:20", "14:20-14:40", "14:40-15:00", "15:00-15:20", "15:20-15:40", "15:40-16:00")
TABLES = ("1号洽谈桌", "2号洽谈桌", "3号洽谈桌", "4号洽谈桌", "5号洽谈桌", "6号洽谈桌")


def load_demo(session: Session, actor: Actor, ctx: DemoContext) -> int:
    if events_repo.find_event(session, EVENT_TITLE, EVENT_DATE) is not None:
        return 0
    ctx.step("校企对接会：南京建邺高新区")
    zones = demo_repo.zones_by_name(session, [ARTICLE_ZONE, *GUEST_ZONES])
    unis = demo_repo.universities_by_name(session, [ARTICLE_UNIVERSITY, *GUEST_UNIVERSITIES])
    if ARTICLE_ZONE not in zones or ARTICLE_UNIVERSITY not in unis:
        raise DemoPrerequisiteMissing(
            "演示对接会需要先载入参考数据，请先运行 shuanggao reference load。"
        )
    jianye = zones[ARTICLE_ZONE]
    event = service.create_event(
        session,
        actor,
        EventCreate(
            title=EVENT_TITLE,
            event_date=EVENT_DATE,
            place="南京建邺高新区",
            organiser_zone_id=jianye.id,
            zone_ids=[z.id for z in zones.values()],
            university_ids=list(unis.values()),
            slots=list(SLOTS),
            tables=list(TABLES),
            meeting_cap=4,
            note="演示数据；日期为演示假设（报道称 2025 年 7 月举行）。" + ARTICLE_NOTE,
        ),
    )
    event.is_demo = True
    firm = next(
        (
            (eid, dids)
            for eid, name, dids in _enterprises(session, jianye.id)
            if name == ARTICLE_ENTERPRISE
        ),
        None,
    )
    items = [
        item_id
        for uid, _, owner, item_id, _, _ in events_repo.researcher_candidates(
            session, [unis[ARTICLE_UNIVERSITY]], None
        )
        if owner == ARTICLE_RESEARCHER and uid == unis[ARTICLE_UNIVERSITY]
    ]
    if firm is None or not items:
        raise DemoPrerequisiteMissing(
            "演示对接会需要先载入演示需求与技术供给，请先完整运行 shuanggao demo load。"
        )
    ent_reg = service.register(
        session,
        actor,
        event.id,
        RegistrationCreate(side=Side.ENTERPRISE, enterprise_id=firm[0], demand_ids=firm[1]),
    )
    res_reg = service.register(
        session,
        actor,
        event.id,
        RegistrationCreate(
            side=Side.RESEARCHER,
            university_id=unis[ARTICLE_UNIVERSITY],
            researcher_name=ARTICLE_RESEARCHER,
            supply_item_ids=items,
        ),
    )
    written = 3
    for reg in (ent_reg, res_reg):
        reg.is_demo = True
        service.check_in(session, actor, reg.id)
    demand_id = next(
        d for d, (_, title) in events_repo.demand_owners(session, firm[1]).items()
        if title == ARTICLE_DEMAND_TITLE
    )  # fmt: skip
    meeting = intake.book(
        session, actor, event, ent_reg, res_reg, demand_id, items[0],
        origin=MeetingOrigin.INTAKE, is_demo=True,
    )  # fmt: skip
    service.record_outcome(
        session,
        actor,
        meeting.id,
        OutcomeUpdate(
            outcome=Outcome.INTENTION,
            reason="当场达成合作意向（陈钊提出需求，彭纪昌有大量实验数据积累）",
            version=meeting.version,
        ),
    )
    return written + 1


def _enterprises(session: Session, zone_id: int) -> list[tuple[int, str, list[int]]]:
    out: dict[int, tuple[int, str, list[int]]] = {}
    for eid, name, did, _ in events_repo.enterprise_candidates(session, [zone_id], None):
        out.setdefault(eid, (eid, name, []))[2].append(did)
    return list(out.values())
