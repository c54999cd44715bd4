"""Demo industry demands (产业需求) of the pilot zones' enterprises.

The article's cases first: 江苏林洋储能技术有限公司 (南京建邺高新区) needs more precise safety
prediction and early warning for lithium-battery energy-storage systems, and 江苏澄测科技有限公司
(江阴高新区) works on chip test plans with 无锡学院. Then, for every pilot zone, needs of its demo
enterprises generated from the zone's technology topics, with every visibility and triage state,
and a few needs no paired university answers (the zone map's 卡脖子 candidates). Deterministic
(``ctx.rng``), marked demo; a second load finds every demand by (enterprise, title).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.demand import service
from shuanggao.demand.schemas import TriageState
from shuanggao.demo import repository as demo_repo
from shuanggao.demo.context import DemoContext, Pilot, ensure
from shuanggao.demo.data import ARTICLE_NOTE, GIVEN, SURNAMES
from shuanggao.demo.errors import DemoPrerequisiteMissing
from shuanggao.demo.supply_topics import topic_codes
from shuanggao.kit.service import take_warnings

ORDER = 60
LABEL = "产业需求"

ARTICLE_ENTERPRISE = "江苏林洋储能技术有限公司"
ARTICLE_ZONE = "南京建邺高新区"
ARTICLE_DEMAND_TITLE = "锂电池储能系统安全预测与预警"

_ARTICLE_DEMANDS: tuple[tuple[str, str, dict[str, Any], TriageState], ...] = (
    (
        ARTICLE_ZONE,
        ARTICLE_ENTERPRISE,
        {
            "title": ARTICLE_DEMAND_TITLE,
            "description": (
                "我们急需为锂电池储能系统做更精准的安全预测和预警，让大型储能场站配上更聪明的"
                "“大脑”。希望与高校合作，利用电池实验数据建立储能电站热失控早期预警与安全预测模型。"
            ),
            "technical_indicators": (
                "覆盖储能场站电池簇级实时监测；热失控风险提前预警；预警模型经实验数据验证。"
            ),
            "keywords": ["锂电池", "储能系统", "安全预警", "热失控", "储能场站"],
            "industry_code": "C3841",
            "chain_node": "新能源汽车产业 > 新能源汽车装置、配件制造 > 新能源汽车储能装置制造",
            "cooperation_mode": "development",
            "visibility": "public",
            "contact_person": "陈钊",
            "note": "演示数据；" + ARTICLE_NOTE,
        },
        TriageState.REFINED,
    ),
    (
        "江阴高新区",
        "江苏澄测科技有限公司",
        {
            "title": "新一代芯片测试方案联合开发",
            "description": (
                "与无锡学院集成电路测试联合实验室围绕新一轮芯片测试方案细节开展联合开发。"
            ),
            "keywords": ["芯片测试", "集成电路", "测试方案"],
            "industry_code": "C3973",
            "chain_node": "新一代信息技术产业 > 电子核心产业 > 集成电路制造",
            "cooperation_mode": "development",
            "visibility": "paired",
            "contact_person": "朱家俊",
            "note": "演示数据；" + ARTICLE_NOTE,
        },
        TriageState.REFINED,
    ),
)

_NEEDS = (
    ("关键技术攻关", "在{topic}方面存在关键技术瓶颈，希望联合高校开展攻关，形成可量产的解决方案。"),
    ("工艺优化", "现有{topic}工艺良率和一致性不足，希望优化工艺参数并建立质量控制方法。"),
    ("国产化替代", "{topic}相关核心部件和软件依赖进口，希望联合开发国产化替代方案。"),
    ("智能化升级", "希望借助数据和算法对{topic}环节进行智能化升级，降低人工依赖。"),
    ("检测方法开发", "缺少针对{topic}的快速检测方法和设备，希望合作开发检测方案。"),
    ("可靠性提升", "{topic}产品在长期运行中可靠性不足，希望开展失效分析与寿命评估。"),
)
# Needs no demo supply answers: the zone map shows them as gaps (卡脖子 candidates).
_HARD_NEEDS = (
    ("高端光刻胶国产化", "需要 ArF 光刻胶树脂合成与纯化技术，打破国外垄断。", "C2664"),
    ("航空发动机单晶叶片定向凝固", "需要高温合金单晶叶片定向凝固铸造工艺与缺陷控制。", "C3744"),
    ("燃料电池质子交换膜", "需要低铂、高耐久质子交换膜的制备技术。", "C3849"),
    ("超高纯电子特气提纯", "需要 6N 级以上电子特种气体的提纯与检测技术。", "C2619"),
)
_MODES = ("development", "development", "consulting", "transfer", "license", "platform", "talent")
_VISIBILITY = ("public",) * 6 + ("paired", "paired", "anonymous", "anonymous", "admins")
_TRIAGE = (
    (TriageState.PENDING,) * 4
    + (TriageState.REFINED,) * 4
    + (TriageState.REDIAGNOSE, TriageState.LONG_TERM)
)


_TRIAGE_NOTES = {
    TriageState.REDIAGNOSE: "演示数据：需求表述笼统，请企业补充技术指标和应用场景",
    TriageState.LONG_TERM: "演示数据：列为长期攻关的卡脖子问题",
}


def _contact(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
    return name, f"139{rng.randint(0, 99_999_999):08d}"


def _budget(rng: random.Random) -> tuple[Decimal, Decimal]:
    low = Decimal(rng.choice((20, 30, 50, 80, 100, 200, 300)) * 10_000)
    return low, low * Decimal(rng.choice(("1.5", "2", "2.5")))


def _deadline(ctx: DemoContext, rng: random.Random) -> dt.date:
    return ctx.end + dt.timedelta(days=rng.randint(30, 400))


def _generated(
    ctx: DemoContext, pilot: Pilot, enterprises: list[tuple[int, str]]
) -> list[tuple[int, dict[str, Any], TriageState]]:
    rng = ctx.rng(f"demand:{pilot.zone_name}")
    out: list[tuple[int, dict[str, Any], TriageState]] = []
    for topic in pilot.topics:
        for _ in range(rng.randint(2, 3)):
            need, text = rng.choice(_NEEDS)
            enterprise_id, _ = rng.choice(enterprises)
            codes = topic_codes(topic)
            low, high = _budget(rng)
            person, phone = _contact(rng)
            values: dict[str, Any] = {
                "title": f"{topic}{need}",
                "description": text.format(topic=topic),
                "keywords": [topic, rng.choice(pilot.words)],
                # A third of the needs arrive uncoded: the classifier suggests their codes.
                "industry_code": codes.industry if rng.random() < 0.67 else None,
                "chain_node": codes.chain_node,
                "budget_min": low,
                "budget_max": high,
                "deadline_date": _deadline(ctx, rng),
                "cooperation_mode": rng.choice(_MODES),
                "visibility": rng.choice(_VISIBILITY),
                "contact_person": person,
                "phone": phone,
                "note": "演示数据",
            }
            out.append((enterprise_id, values, rng.choice(_TRIAGE)))
    title, text, industry = _HARD_NEEDS[rng.randrange(len(_HARD_NEEDS))]
    enterprise_id, _ = rng.choice(enterprises)
    low, high = _budget(rng)
    out.append(
        (
            enterprise_id,
            {
                "title": title,
                "description": text,
                "keywords": [title],
                "industry_code": industry,
                "budget_min": low * 5,
                "budget_max": high * 5,
                "cooperation_mode": "development",
                "visibility": "public",
                "note": "演示数据",
            },
            TriageState.LONG_TERM,
        )
    )
    return out


def _write(
    session: Session,
    actor: Actor,
    enterprise_id: int,
    values: dict[str, Any],
    state: TriageState,
) -> int:
    demand_id, created = ensure(
        session, actor, "demands", {**values, "enterprise_id": enterprise_id}
    )
    if created and state is not TriageState.PENDING:
        version = service.get_demand(session, actor, demand_id).version
        note = _TRIAGE_NOTES.get(state, "演示数据：已完成梳理")
        service.triage_demand(session, actor, demand_id, state, note=note, expected_version=version)
    return int(created)


def load_demo(session: Session, actor: Actor, ctx: DemoContext) -> int:
    pilots = {p.zone_name: p for p in ctx.pilots(session)}
    take_warnings(session)  # what earlier writes left is not this module's
    written = 0
    for zone_name, enterprise_name, values, state in _ARTICLE_DEMANDS:
        pilot = pilots[zone_name]
        ents = demo_repo.demo_enterprises_of_zone(session, pilot.zone_id)
        found = {name: eid for eid, name in ents}
        if enterprise_name not in found:
            raise DemoPrerequisiteMissing(
                f"演示需求需要先载入演示企业（缺少：{enterprise_name}），"
                "请先完整运行 shuanggao demo load。"
            )
        written += _write(session, actor, found[enterprise_name], values, state)
    for pilot in pilots.values():
        ctx.step(f"产业需求：{pilot.zone_name}")
        enterprises = demo_repo.demo_enterprises_of_zone(session, pilot.zone_id)
        if not enterprises:
            continue
        seen: set[tuple[int, str]] = set()
        for enterprise_id, values, state in _generated(ctx, pilot, enterprises):
            key = (enterprise_id, str(values["title"]))
            if key in seen:
                continue
            seen.add(key)
            written += _write(session, actor, enterprise_id, values, state)
    note = duplicate_note(take_warnings(session), written)
    if note:
        ctx.notes.append(note)
    return written


def duplicate_note(warnings: list[dict[str, Any]], written: int) -> str | None:
    """One line for the whole load (not one per need): how many of the new needs resemble
    needs entered before them (the demand register's duplicate warnings)."""
    similar = [s for w in warnings if w.get("code") == "possible_duplicate" for s in w["similar"]]
    flagged = sum(1 for w in warnings if w.get("code") == "possible_duplicate")
    if not flagged:
        return None
    same = sum(1 for w in warnings if any(s["kind"] == "same" for s in w.get("similar", ())))
    return (
        f"产业需求：新增的 {written} 条需求中有 {flagged} 条与先登记的需求重复或相近"
        f"（其中 {same} 条疑似重复，共 {len(similar)} 处相似）；"
        "请在“需求梳理 → 重复与相近需求”中查看。"
    )
