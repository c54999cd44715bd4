"""Vocabulary the supply and demand demo data are generated from: each technology topic of the
pilot zones (``demo.data.ZONE_THEMES``) mapped onto 一级学科, GB/T 4754 小类 and a 战略性新兴产业
node by keyword rules. Demo content only."""

from __future__ import annotations

from dataclasses import dataclass

# (keywords, 一级学科 codes, GB/T 4754 code, 战略性新兴产业 path or None), first match wins.
_RULES: tuple[tuple[tuple[str, ...], tuple[str, ...], str, str | None], ...] = (
    (("光伏",), ("0803", "0808"), "C3825", "新材料产业 > 光伏用膜制造"),
    (
        ("储能", "电池", "正极", "电驱"),
        ("0808", "0805"),
        "C3841",
        "新能源汽车产业 > 新能源汽车装置、配件制造 > 新能源汽车储能装置制造",
    ),
    (("虚拟电厂", "能量管理"), ("0808", "0811"), "D4420", None),
    (
        ("芯片", "集成电路", "晶圆", "半导体", "光子"),
        ("1401", "0809"),
        "C3973",
        "新一代信息技术产业 > 电子核心产业 > 集成电路制造",
    ),
    (("传感器", "感知", "物联网", "电子"), ("0809", "0810"), "C3979", None),
    (
        ("软件", "算法", "数据", "网络安全", "数字孪生", "工业互联网"),
        ("0812", "0835"),
        "I6513",
        None,
    ),
    (
        ("机器人", "机器视觉", "智能仓储", "智能制造"),
        ("0811", "0802"),
        "C3491",
        "高端装备制造产业 > 智能制造装备产业 > 机器人与增材设备制造",
    ),
    (
        ("医疗器械", "生物材料"),
        ("0831",),
        "C3581",
        "生物产业 > 生物医学工程产业 > 先进医疗设备及器械制造",
    ),
    (("中药",), ("1008",), "C2740", "生物产业 > 生物医药产业 > 现代中药与民族药制造"),
    (
        ("药", "疫苗", "生物医药", "制剂"),
        ("1007", "0710"),
        "C2710",
        "生物产业 > 生物医药产业 > 化学药品与原料药制造",
    ),
    (("生物健康", "功能食品", "绿色食品", "食品"), ("0832",), "C1495", None),
    (
        ("大气", "水处理", "生态修复", "环保"),
        ("0830", "0713"),
        "N7724",
        "节能环保产业 > 先进环保产业 > 环境保护专用设备制造",
    ),
    (("船舶", "海工", "海洋"), ("0824",), "C3731", None),
    (("焊接", "轴承", "液压", "机床", "工程机械", "装备"), ("0802",), "C3511", None),
    (("矿山安全", "安全监测"), ("0837",), "C3511", None),
    (("汽车", "智能网联", "车身"), ("0823", "0802"), "C3670", None),
    (("纺织",), ("0821",), "C1752", None),
    (("化工", "硅基", "碳纤维", "材料", "金属"), ("0805", "0817"), "C2614", None),
    (("检测",), ("0804",), "M7452", None),
)


@dataclass(frozen=True)
class TopicCodes:
    disciplines: tuple[str, ...]
    industry: str | None
    chain_node: str | None


def topic_codes(topic: str) -> TopicCodes:
    for keywords, disciplines, industry, node in _RULES:
        if any(k in topic for k in keywords):
            return TopicCodes(disciplines, industry, node)
    return TopicCodes((), None, None)


PERSON_GIVEN = (
    "建国",
    "海峰",
    "晓东",
    "志强",
    "丽华",
    "明远",
    "思源",
    "文博",
    "雪梅",
    "振宇",
    "立新",
    "春晖",
    "雅琴",
    "永刚",
    "子涵",
    "国栋",
)
