"""Demo supply lists (技术供给清单) of the pilot universities.

The article's case first: 南京工程学院 teacher 彭纪昌's accumulated experimental data on
lithium-battery energy-storage safety, with his team. Then, for every pilot zone and each of its
paired universities, results, expert teams, shareable platforms and data sets generated from the
zone's technology topics (``demo.data.ZONE_THEMES``) with the 一级学科 and GB/T 4754 codes of
``demo.supply_topics``. Everything is marked demo and generated from ``ctx.rng`` (deterministic);
a second load finds every item by its natural key (university, title) and changes nothing.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.demo import repository as demo_repo
from shuanggao.demo.context import DemoContext, Pilot, ensure
from shuanggao.demo.data import ARTICLE_NOTE, SURNAMES
from shuanggao.demo.errors import DemoPrerequisiteMissing
from shuanggao.demo.supply_topics import PERSON_GIVEN, topic_codes

ORDER = 50
LABEL = "技术供给清单"

ARTICLE_UNIVERSITY = "南京工程学院"
ARTICLE_DATA_TITLE = "锂电池储能系统安全实验数据"

_ARTICLE_ITEMS: tuple[dict[str, Any], ...] = (
    {
        "kind": "data",
        "title": ARTICLE_DATA_TITLE,
        "owner_name": "彭纪昌",
        "abstract": (
            "长期积累的锂电池储能系统安全实验数据：电芯与电池模组在过充、过放、高温、针刺等"
            "滥用条件下的电压、电流、温度、产气和热失控演化过程记录，可用于储能系统安全状态"
            "评估、热失控早期预警与安全预测模型的训练和验证。"
        ),
        "keywords": ["锂电池", "储能系统", "安全预警", "热失控", "实验数据"],
        "discipline_codes": ["0808"],
        "industry_codes": ["C3841"],
        "transfer_modes": ["service", "co_development"],
        "data_description": (
            "涵盖磷酸铁锂与三元电芯、模组的滥用实验和循环老化实验，采样数据与实验工况说明"
            "配套提供；可在合作协议下共享使用。"
        ),
        "note": "演示数据；" + ARTICLE_NOTE,
    },
    {
        "kind": "expert",
        "title": "储能系统安全与智能运维研究团队",
        "owner_name": "彭纪昌",
        "abstract": "面向大型储能电站的电池安全监测、故障诊断与运维决策研究。",
        "keywords": ["储能电站", "电池安全", "故障诊断"],
        "discipline_codes": ["0808"],
        "industry_codes": ["C3841"],
        "transfer_modes": ["co_development", "service"],
        "research_directions": "锂电池储能系统安全预测；电池热失控机理；储能电站智能运维",
        "representative_results": "积累大量锂电池储能安全实验数据，与园区企业开展储能安全合作。",
        "note": "演示数据；" + ARTICLE_NOTE,
    },
)

_ACHIEVEMENT_SUFFIXES = (
    "关键技术",
    "成套工艺",
    "在线监测系统",
    "智能诊断方法",
    "检测装置",
    "优化控制平台",
)
_PAINS = ("效率偏低", "可靠性不足", "核心部件依赖进口", "综合成本偏高", "检测精度不够", "能耗偏高")
_FEATURES = (
    "具有完全自主知识产权",
    "核心指标达到国内先进水平",
    "可与企业现有产线兼容部署",
    "支持远程运维与数据追溯",
)
_EFFECTS = ("综合成本降低约{p}%", "检测效率提升约{p}%", "良品率提升约{p}个百分点")
_STAGES = ("trl4", "trl5", "trl6", "trl7", "trl8", "lab", "bench", "pilot", "industrial")
_MODES = ("transfer", "license", "equity", "service", "co_development")


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(PERSON_GIVEN)


def _patent(rng: random.Random) -> str:
    year = rng.choice((2021, 2022, 2023, 2024))
    return f"ZL{year}1{rng.randint(0, 99_999_999):08d}.{rng.randint(0, 9)}"


def _price(rng: random.Random) -> tuple[Decimal, Decimal]:
    low = Decimal(rng.choice((10, 20, 30, 50, 80, 100, 150, 200)) * 10_000)
    high = low * Decimal(rng.choice(("1.5", "2", "3")))
    return low, high


def _achievement(rng: random.Random, topic: str, words: tuple[str, ...]) -> dict[str, Any]:
    suffix = rng.choice(_ACHIEVEMENT_SUFFIXES)
    low, high = _price(rng)
    effect = rng.choice(_EFFECTS).format(p=rng.randint(10, 35))
    granted = rng.random() < 0.6
    return {
        "kind": "achievement",
        "title": f"{topic}{suffix}",
        "owner_name": _person(rng),
        "abstract": (
            f"针对{rng.choice(words)}企业在{topic}方面{rng.choice(_PAINS)}的问题，研发{topic}"
            f"{suffix}，{rng.choice(_FEATURES)}。成果已在{rng.randint(1, 6)}家企业试用，{effect}。"
        ),
        "keywords": [topic, suffix.removesuffix("方法"), rng.choice(words)],
        "maturity": rng.choice(_STAGES),
        "rights_status": "patent_granted" if granted else "patent_pending",
        "patent_numbers": [_patent(rng) for _ in range(rng.randint(1, 3))] if granted else [],
        "transfer_modes": sorted(rng.sample(_MODES, k=rng.randint(1, 3))),
        "price_min": low,
        "price_max": high,
    }


def _expert(rng: random.Random, topic: str, topics: tuple[str, ...]) -> dict[str, Any]:
    other = rng.choice([t for t in topics if t != topic] or [topic])
    return {
        "kind": "expert",
        "title": f"{topic}创新团队",
        "owner_name": _person(rng),
        "abstract": f"团队长期从事{topic}与{other}研究，可为园区企业提供技术攻关和人才培养。",
        "keywords": [topic, other],
        "transfer_modes": ["co_development", "service"],
        "research_directions": f"{topic}；{other}；产学研联合攻关",
        "representative_results": (
            f"主持国家及省部级项目{rng.randint(2, 9)}项，授权发明专利{rng.randint(5, 40)}件，"
            f"与{rng.randint(3, 15)}家企业建立合作。"
        ),
    }


def _platform(rng: random.Random, topic: str) -> dict[str, Any]:
    return {
        "kind": "platform",
        "title": f"{topic}测试分析平台",
        "owner_name": _person(rng),
        "abstract": f"配备{topic}相关的精密测试与表征仪器，可开展样品检测、工艺验证和中试评估。",
        "keywords": [topic, "测试分析", "仪器共享"],
        "transfer_modes": ["service"],
        "sharing_terms": (
            f"面向结对园区企业开放预约，按校内收费标准的{rng.choice(('七', '八', '九'))}折"
            "收取机时费；需经安全培训后上机。"
        ),
    }


def _dataset(rng: random.Random, topic: str) -> dict[str, Any]:
    return {
        "kind": "data",
        "title": f"{topic}实验数据集",
        "owner_name": _person(rng),
        "abstract": f"课题组在{topic}研究中积累的实验与测试数据，可用于模型训练和工艺优化。",
        "keywords": [topic, "实验数据"],
        "transfer_modes": ["service"],
        "data_description": (
            f"包含约{rng.randint(2, 60)}万条记录及实验工况说明，按数据共享协议提供。"
        ),
    }


def _items_for(ctx: DemoContext, pilot: Pilot, university: str) -> list[dict[str, Any]]:
    rng = ctx.rng(f"supply:{pilot.zone_name}:{university}")
    items: list[dict[str, Any]] = []
    for topic in pilot.topics:
        items.append(_achievement(rng, topic, pilot.words))
        roll = rng.random()
        if roll < 0.35:
            items.append(_expert(rng, topic, pilot.topics))
        elif roll < 0.6:
            items.append(_platform(rng, topic))
        elif roll < 0.8:
            items.append(_dataset(rng, topic))
        if rng.random() < 0.5:
            items.append(_achievement(rng, topic, pilot.words))
    for item in items:
        codes = topic_codes(str(item["keywords"][0]))
        item.setdefault("discipline_codes", list(codes.disciplines))
        item.setdefault("industry_codes", [codes.industry] if codes.industry else [])
        item["is_public"] = rng.random() < 0.9
        item.setdefault("note", "演示数据")
    return items


def load_demo(session: Session, actor: Actor, ctx: DemoContext) -> int:
    pilots = ctx.pilots(session)
    unis = demo_repo.universities_by_name(session, [ARTICLE_UNIVERSITY])
    if ARTICLE_UNIVERSITY not in unis:
        raise DemoPrerequisiteMissing(
            f"演示数据需要先载入参考数据（缺少高校：{ARTICLE_UNIVERSITY}），"
            "请先运行 shuanggao reference load。"
        )
    written = 0
    for values in _ARTICLE_ITEMS:
        _, created = ensure(
            session, actor, "supply_items", {**values, "university_id": unis[ARTICLE_UNIVERSITY]}
        )
        written += created
    for pilot in pilots:
        ctx.step(f"技术供给清单：{pilot.zone_name}")
        for university_id, name in pilot.universities:
            seen: set[str] = set()
            for values in _items_for(ctx, pilot, name):
                if values["title"] in seen:
                    continue
                seen.add(values["title"])
                _, created = ensure(
                    session, actor, "supply_items", {**values, "university_id": university_id}
                )
                written += created
    return written
