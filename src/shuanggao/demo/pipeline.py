"""Demo collaborations of the article: 澄测科技 ↔ 无锡学院 (repeated visits on chip test plans at
the 集成电路测试联合实验室) carried to 立项, and 林洋储能 (陈钊) ↔ 南京工程学院 (彭纪昌) from the
2025-07 建邺 对接会 to 已对接, inside the 新型储能系统创新联合体.

Through the pipeline's own services (checked, logged, audited); rows are marked demo. A pair that
already has a collaboration is left as it is.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.demo import repository
from shuanggao.demo.context import DemoContext, ensure
from shuanggao.demo.data import ARTICLE_NOTE
from shuanggao.demo.demand import ARTICLE_DEMAND_TITLE, ARTICLE_ENTERPRISE
from shuanggao.demo.errors import DemoPrerequisiteMissing
from shuanggao.demo.supply import ARTICLE_DATA_TITLE, ARTICLE_UNIVERSITY
from shuanggao.pipeline import repository as pipeline_repo
from shuanggao.pipeline import service
from shuanggao.pipeline.models import Collaboration
from shuanggao.pipeline.schemas import Advance, LinkConsortium
from shuanggao.projects.models import Project

ORDER = 70
LABEL = "合作对接"

CHENGCE = "江苏澄测科技有限公司"
CHENGCE_DEMAND = "新一代芯片测试方案联合开发"
WXU = "无锡学院"
WXU_ITEM = "集成电路测试方案研发团队"
CONSORTIUM = "新型储能系统创新联合体"

# (stage reached, date, owner, note)
Step = tuple[str | None, dt.date, str, str]
_CHENGCE_STEPS: tuple[Step, ...] = (
    (
        "contacted",
        dt.date(2025, 3, 12),
        "朱家俊",
        "澄测科技工程师到无锡学院电子信息工程学院交流测试需求",
    ),
    (None, dt.date(2025, 4, 2), "李松斌", "在集成电路测试联合实验室讨论芯片测试方案细节"),
    ("engaged", dt.date(2025, 4, 20), "朱家俊", "双方确定联合开发新一轮芯片测试方案"),
    (None, dt.date(2025, 5, 15), "李松斌", "再次到实验室商讨测试方案细节"),
    ("intent_signed", dt.date(2025, 6, 3), "朱家俊", "签订合作意向书"),
    ("contract_signed", dt.date(2025, 7, 1), "朱家俊", "签订技术开发合同"),
    ("project_approved", dt.date(2025, 8, 15), "李松斌", "联合开发项目立项"),
)
_LINYANG_STEPS: tuple[Step, ...] = (
    ("contacted", dt.date(2025, 7, 18), "陈钊", "对接会后电话沟通储能安全预警需求细节"),
    ("engaged", dt.date(2025, 8, 5), "彭纪昌", "企业到南京工程学院查看电池安全实验数据"),
)


def _wxu_item(session: Session, actor: Actor) -> tuple[int, bool]:
    uid = repository.universities_by_name(session, [WXU]).get(WXU)
    if uid is None:
        raise DemoPrerequisiteMissing("演示数据需要先载入参考数据（缺少高校：无锡学院）。")
    return ensure(
        session,
        actor,
        "supply_items",
        {
            "kind": "expert",
            "university_id": uid,
            "title": WXU_ITEM,
            "owner_name": "李松斌",
            "abstract": "集成电路测试联合实验室团队：芯片测试方案设计、测试程序开发"
            "与量产测试优化。",
            "keywords": ["芯片测试", "集成电路", "测试方案"],
            "industry_codes": ["C3973"],
            "transfer_modes": ["co_development", "service"],
            "note": "演示数据；" + ARTICLE_NOTE,
        },
    )


def _carry(
    session: Session,
    actor: Actor,
    demand_id: int,
    item_id: int,
    started: dt.date,
    note: str,
    steps: tuple[Step, ...],
) -> Collaboration | None:
    if pipeline_repo.find_pair(session, demand_id, item_id) is not None:
        return None
    c = service.start_from_match(
        session, actor, demand_id=demand_id, supply_item_id=item_id, note=note,
        happened_date=started,
    )  # fmt: skip
    for stage, day, owner, text in steps:
        if stage is None:
            c = service.log_contact(session, actor, c.id, c.version, text, day, owner)
        else:
            body = Advance(version=c.version, happened_date=day, owner=owner, note=text)
            c = service.advance(session, actor, c.id, body)
    c.is_demo = True
    if c.project_id is not None:
        project = session.get(Project, c.project_id)
        if project is not None:
            project.is_demo = True
    session.flush()
    return c


def load_demo(session: Session, actor: Actor, ctx: DemoContext) -> int:
    ctx.step("合作对接：澄测科技—无锡学院、林洋储能—南京工程学院")
    written = 0
    item_id, created = _wxu_item(session, actor)
    written += int(created)
    chengce = repository.demand_id_of(session, CHENGCE, CHENGCE_DEMAND)
    linyang = repository.demand_id_of(session, ARTICLE_ENTERPRISE, ARTICLE_DEMAND_TITLE)
    data = repository.supply_item_id_of(session, ARTICLE_UNIVERSITY, ARTICLE_DATA_TITLE)
    if chengce is None or linyang is None or data is None:
        raise DemoPrerequisiteMissing("合作对接演示数据需要先载入演示需求和技术供给。")
    done = _carry(
        session, actor, chengce, item_id, dt.date(2025, 3, 1),
        "澄测科技与无锡学院集成电路测试联合实验室多次往返商讨测试方案", _CHENGCE_STEPS,
    )  # fmt: skip
    written += int(done is not None)
    c = _carry(
        session, actor, linyang, data, dt.date(2025, 7, 10),
        "建邺高新区双高协同校企对接会上，陈钊提出需求，彭纪昌团队当场达成合作意向",
        _LINYANG_STEPS,
    )  # fmt: skip
    if c is not None:
        written += 1
        consortium_id = repository.id_by_natural_key(
            session, _consortium_model(), ("name",), {"name": CONSORTIUM}
        )
        if consortium_id is not None:
            c = service.link_consortium(
                session, actor, c.id, LinkConsortium(version=c.version, consortium_id=consortium_id)
            )
            c.is_demo = True
    return written


def _consortium_model() -> type:
    from shuanggao.consortia.models import Consortium

    return Consortium
