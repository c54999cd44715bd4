"""Demo demands of the registered zones not yet paired, so the planner has evidence for them.

The pilot zones' demo demands come from ``demand/demo.py``; the other national zones of the
register get a few demo enterprises and demands here, on topics of their known industries (demo
content, marked 演示数据). Nothing here touches a pairing.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.demo import repository as demo_repo
from shuanggao.demo.context import DemoContext, ensure
from shuanggao.demo.data import COMPANY_SUFFIXES, GIVEN, NAME_SYLLABLES, SURNAMES
from shuanggao.demo.programme import demo_credit_code
from shuanggao.demo.supply_topics import topic_codes

ORDER = 65
LABEL = "待结对高新区的演示需求"

# Zone → (words for enterprise names, topics of its demands). Demo content only.
UNPAIRED_THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "南京高新区": (("软件", "生物", "芯片"), ("工业软件", "生物医药制剂", "集成电路封装")),
    "武进高新区": (("智造", "新能源", "机器人"), ("工业机器人", "光伏组件", "动力电池回收")),
    "昆山高新区": (("电子", "精密", "机器人"), ("智能传感器", "机器视觉", "精密检测")),
    "盐城高新区": (("半导体", "新能源", "智能"), ("晶圆检测", "光伏电池", "汽车电子")),
    "苏州工业园区": (("生物", "纳米", "智能"), ("创新药物", "高端医疗器械", "智能算法")),
}
_NEEDS = (
    ("关键技术攻关", "在{topic}方面存在关键技术瓶颈，希望联合高校开展攻关，形成可量产的方案。"),
    ("工艺优化", "现有{topic}工艺良率和一致性不足，希望优化工艺参数并建立质量控制方法。"),
    ("检测方法开发", "缺少针对{topic}的快速检测方法和设备，希望合作开发检测方案。"),
    ("智能化升级", "希望借助数据和算法对{topic}环节进行智能化升级，降低人工依赖。"),
)


def _contact(rng: random.Random) -> tuple[str, str]:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), (
        f"138{rng.randint(0, 99_999_999):08d}"
    )


def load_demo(session: Session, actor: Actor, ctx: DemoContext) -> int:
    zones = demo_repo.zones_by_name(session, list(UNPAIRED_THEMES))
    written = 0
    for index, (zone_name, (words, topics)) in enumerate(UNPAIRED_THEMES.items()):
        zone = zones.get(zone_name)
        if zone is None or demo_repo.pairings_of_zone(session, zone.id):
            continue
        ctx.step(f"待结对高新区需求：{zone_name}")
        rng = ctx.rng(f"planner:{zone_name}")
        city = zone.city.removesuffix("市")
        enterprises: list[int] = []
        for i, word in enumerate(words):
            name = (
                f"{city}{rng.choice(NAME_SYLLABLES)}{rng.choice(NAME_SYLLABLES)}{word}"
                f"{rng.choice(COMPANY_SUFFIXES)}有限公司"
            )
            row_id, created = ensure(
                session,
                actor,
                "enterprises",
                {
                    "name": name,
                    # Serials 900000+ keep clear of the pilot zones' demo enterprises.
                    "credit_code": demo_credit_code(zone.city, 900_000 + index * 100 + i + 1),
                    "zone_id": zone.id,
                    "industry_code": topic_codes(topics[i % len(topics)]).industry,
                    "contact_person": _contact(rng)[0],
                    "note": "演示数据",
                },
            )
            written += created
            enterprises.append(row_id)
        for topic in topics:
            codes = topic_codes(topic)
            for need, text in rng.sample(_NEEDS, 2):
                person, phone = _contact(rng)
                values: dict[str, Any] = {
                    "title": f"{topic}{need}",
                    "description": text.format(topic=topic),
                    "keywords": [topic, rng.choice(words)],
                    "industry_code": codes.industry,
                    "chain_node": codes.chain_node,
                    "cooperation_mode": "development",
                    "visibility": "public",
                    "contact_person": person,
                    "phone": phone,
                    "note": "演示数据",
                    "enterprise_id": rng.choice(enterprises),
                }
                _, created = ensure(session, actor, "demands", values)
                written += created
    return written
