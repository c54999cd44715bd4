# ruff: noqa: E501 (the labelled needs are one per line, as typed)
"""Build ``src/shuanggao/matches/data/duplicate_pairs.csv``: labelled pairs of needs (same /
near / not) for choosing and measuring the duplicate-need threshold.

Three sources, all written down here so the set can be rebuilt and read:

1. The demo's own needs (``shuanggao.demo.demand``): its four hard needs, each entered by several
   zones word for word (高端光刻胶国产化 five times) → ``same``; each need template × topic entered
   by two firms, verbatim and reworded → ``same``; the same topic with another need, and the same
   need template on another topic → ``not`` (the hard negatives: they share most words).
2. Hand-written restatements of the demo's and the article's needs as another firm would type
   them (other words, other scope) → ``near``.
3. Hand-written pairs that share a salient word but are different problems (锂电池 热失控预警 vs
   锂电池 极片视觉检测; 光刻胶 vs 光刻机) → ``not``.

Run: ``.venv/bin/python scripts/build_duplicate_pairs.py`` (deterministic).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from shuanggao.demo.demand import _HARD_NEEDS, _NEEDS
from shuanggao.demo.supply_topics import topic_codes

OUT = Path(__file__).resolve().parents[1] / "src/shuanggao/matches/data/duplicate_pairs.csv"
FIELDS = ("title", "description", "keywords", "industry_code", "chain_node")
HEADER = [f"a_{f}" for f in FIELDS] + [f"b_{f}" for f in FIELDS] + ["label", "origin"]

TOPICS = (
    "锂电池储能",
    "集成电路封装测试",
    "工业机器人",
    "光伏组件",
    "碳化硅功率器件",
    "智能网联汽车",
    "数控机床",
    "医疗器械",
    "水处理",
    "碳纤维复合材料",
    "中药制剂",
    "船舶与海工装备",
)


def need(
    title: str, description: str, keywords: str = "", code: str = "", node: str = ""
) -> list[str]:
    return [title, description, keywords, code, node]


def _reword(text: str) -> str:
    """How a second firm types the same template need."""
    return (
        "我公司" + text.replace("希望", "拟").replace("存在", "面临").replace("联合", "与")
    ).replace("。", "，亟需高校支持。")


def _generated(rng: random.Random) -> list[list[str]]:
    rows: list[list[str]] = []
    for title, text, code in _HARD_NEEDS:
        a = need(title, text, title, code)
        rows.append(a + a + ["same", "demo: hard need entered by two zones"])
    for topic in TOPICS:
        codes = topic_codes(topic)
        code, node = codes.industry or "", codes.chain_node or ""
        picks = rng.sample(range(len(_NEEDS)), 3)
        (n1, t1), (n2, t2) = _NEEDS[picks[0]], _NEEDS[picks[1]]
        a = need(f"{topic}{n1}", t1.format(topic=topic), topic, code, node)
        rows.append(a + a + ["same", "demo: template need entered twice"])
        b = need(f"{topic}{n1}", _reword(t1.format(topic=topic)), topic, code, node)
        rows.append(a + b + ["same", "demo: template need reworded"])
        c = need(f"{topic}{n2}", t2.format(topic=topic), topic, code, node)
        rows.append(a + c + ["not", "demo: same topic, another need"])
        other = rng.choice([t for t in TOPICS if t != topic])
        oc = topic_codes(other)
        d = need(
            f"{other}{n1}", t1.format(topic=other), other, oc.industry or "", oc.chain_node or ""
        )
        rows.append(a + d + ["not", "demo: same need template, another topic"])
        # The same topic and template, one side uncoded (a third of the demo needs are).
        e = need(f"{topic}{n1}", t1.format(topic=topic), topic, "", "")
        rows.append(a + e + ["same", "demo: same need, one side uncoded"])
    return rows


NEAR: tuple[tuple[list[str], list[str]], ...] = (
    (
        need(
            "高端光刻胶国产化",
            "需要 ArF 光刻胶树脂合成与纯化技术，打破国外垄断。",
            "高端光刻胶国产化",
            "C2664",
        ),
        need(
            "ArF光刻胶树脂国产替代",
            "希望突破 ArF 光刻胶用树脂的合成与纯化工艺，实现进口替代。",
            "光刻胶；树脂",
            "C2664",
        ),
    ),
    (
        need(
            "高端光刻胶国产化",
            "需要 ArF 光刻胶树脂合成与纯化技术，打破国外垄断。",
            "高端光刻胶国产化",
            "C2664",
        ),
        need(
            "集成电路用光刻胶研发",
            "开发用于集成电路制造的 ArF 光刻胶，替代进口产品。",
            "光刻胶",
            "C3985",
        ),
    ),
    (
        need(
            "锂电池储能系统安全预测与预警",
            "为锂电池储能系统做更精准的安全预测和预警，建立储能电站热失控早期预警与安全预测模型。",
            "锂电池；储能系统；热失控",
            "C3841",
        ),
        need(
            "储能电站电池热失控早期预警",
            "希望建立储能电站锂电池热失控的早期预警模型，提升场站安全。",
            "储能电站；热失控；预警",
            "C3841",
        ),
    ),
    (
        need(
            "燃料电池质子交换膜",
            "需要低铂、高耐久质子交换膜的制备技术。",
            "燃料电池质子交换膜",
            "C3849",
        ),
        need(
            "高耐久质子交换膜制备",
            "开发燃料电池用高耐久、低成本质子交换膜及制备工艺。",
            "质子交换膜；燃料电池",
            "C3849",
        ),
    ),
    (
        need(
            "超高纯电子特气提纯",
            "需要 6N 级以上电子特种气体的提纯与检测技术。",
            "超高纯电子特气提纯",
            "C2619",
        ),
        need(
            "电子特种气体纯化与检测",
            "希望开发 6N 电子特种气体的纯化工艺和杂质检测方法。",
            "电子特气；纯化",
            "C2619",
        ),
    ),
    (
        need(
            "航空发动机单晶叶片定向凝固",
            "需要高温合金单晶叶片定向凝固铸造工艺与缺陷控制。",
            "航空发动机单晶叶片定向凝固",
            "C3744",
        ),
        need(
            "单晶高温合金叶片铸造缺陷控制",
            "解决单晶叶片定向凝固过程中的杂晶和缺陷问题。",
            "单晶叶片；定向凝固",
            "C3744",
        ),
    ),
    (
        need(
            "新一代芯片测试方案联合开发",
            "与高校集成电路测试实验室围绕新一轮芯片测试方案细节开展联合开发。",
            "芯片测试；集成电路",
            "C3973",
        ),
        need("芯片测试方案开发", "希望与高校合作开发新一代芯片的测试方案。", "芯片测试", "C3973"),
    ),
    (
        need(
            "PCB外观缺陷视觉检测",
            "利用机器视觉对印制电路板外观缺陷进行在线检测，替代人工目检。",
            "机器视觉；PCB；缺陷检测",
            "C3982",
        ),
        need(
            "印制电路板缺陷机器视觉在线检测",
            "产线上印制电路板缺陷靠人工目检，希望开发机器视觉在线检测系统。",
            "机器视觉；缺陷检测",
            "C3982",
        ),
    ),
    (
        need(
            "碳化硅功率模块封装",
            "需要高可靠碳化硅功率模块的封装与散热技术。",
            "碳化硅；功率模块；封装",
            "C3972",
        ),
        need(
            "SiC功率模块封装散热技术",
            "开发碳化硅 SiC 功率模块封装结构和散热方案，提高可靠性。",
            "碳化硅；封装",
            "C3972",
        ),
    ),
    (
        need(
            "工业机器人精密减速器国产化",
            "RV 减速器依赖进口，希望联合开发国产精密减速器。",
            "减速器；工业机器人",
            "C3491",
        ),
        need("RV减速器国产替代", "开发工业机器人用 RV 精密减速器，替代进口。", "RV减速器", "C3491"),
    ),
    (
        need(
            "光伏组件隐裂检测",
            "需要光伏组件隐裂的快速检测方法和设备。",
            "光伏组件；隐裂；检测",
            "C3825",
        ),
        need(
            "光伏电池片隐裂在线检测设备",
            "希望开发光伏组件生产线上的隐裂在线检测设备。",
            "光伏；隐裂",
            "C3825",
        ),
    ),
    (
        need(
            "污水处理厂智能加药控制",
            "希望利用数据和算法对污水处理加药环节进行智能控制，降低药耗。",
            "水处理；加药；智能控制",
            "N7724",
        ),
        need(
            "污水处理精准加药系统",
            "开发污水处理厂精准加药控制系统，减少药剂消耗。",
            "污水处理；加药",
            "N7724",
        ),
    ),
)

NOT: tuple[tuple[list[str], list[str]], ...] = (
    (
        need("锂电池储能系统安全预测与预警", "为锂电池储能系统做更精准的安全预测和预警，建立热失控早期预警模型。", "锂电池；储能系统；热失控", "C3841"),
        need("锂电池极片缺陷机器视觉检测", "利用机器视觉检测锂电池极片涂布缺陷，提升良率。", "锂电池；机器视觉；极片", "C3841"),
    ),
    (
        need("锂电池储能系统安全预测与预警", "为锂电池储能系统做更精准的安全预测和预警。", "锂电池；储能系统", "C3841"),
        need("退役锂电池梯次利用与回收", "开发退役动力锂电池的拆解、梯次利用和材料回收技术。", "锂电池；回收", "C4220"),
    ),
    (
        need("高端光刻胶国产化", "需要 ArF 光刻胶树脂合成与纯化技术，打破国外垄断。", "光刻胶", "C2664"),
        need("光刻机双工件台国产化", "需要光刻机双工件台精密运动控制技术，打破国外垄断。", "光刻机；工件台", "C3562"),
    ),
    (
        need("燃料电池质子交换膜", "需要低铂、高耐久质子交换膜的制备技术。", "质子交换膜", "C3849"),
        need("燃料电池金属双极板冲压成形", "需要燃料电池金属双极板精密冲压成形与涂层技术。", "双极板；冲压", "C3849"),
    ),
    (
        need("工业机器人精密减速器国产化", "RV 减速器依赖进口，希望联合开发国产精密减速器。", "减速器", "C3491"),
        need("工业机器人视觉引导抓取", "利用 3D 视觉引导工业机器人无序抓取零件。", "机器人；视觉", "C3491"),
    ),
    (
        need("超高纯电子特气提纯", "需要 6N 级以上电子特种气体的提纯与检测技术。", "电子特气", "C2619"),
        need("湿电子化学品金属杂质去除", "需要电子级硫酸、双氧水等湿电子化学品的金属杂质去除技术。", "湿电子化学品", "C3985"),
    ),
    (
        need("新一代芯片测试方案联合开发", "围绕新一轮芯片测试方案细节开展联合开发。", "芯片测试", "C3973"),
        need("芯片先进封装键合工艺", "需要芯片先进封装中的混合键合工艺开发。", "先进封装；键合", "C3973"),
    ),
    (
        need("PCB外观缺陷视觉检测", "利用机器视觉对印制电路板外观缺陷进行在线检测。", "机器视觉；PCB", "C3982"),
        need("纺织面料瑕疵视觉检测", "利用机器视觉检测坯布和面料瑕疵。", "机器视觉；纺织", "C1752"),
    ),
    (
        need("碳化硅功率模块封装", "需要高可靠碳化硅功率模块的封装与散热技术。", "碳化硅；封装", "C3972"),
        need("碳化硅衬底切片加工", "需要碳化硅单晶衬底的高效切片和减薄加工技术。", "碳化硅；衬底", "C3985"),
    ),
    (
        need("航空发动机单晶叶片定向凝固", "需要高温合金单晶叶片定向凝固铸造工艺与缺陷控制。", "单晶叶片", "C3744"),
        need("航空发动机叶片损伤智能检测", "利用孔探图像自动识别航空发动机叶片损伤。", "航空发动机；检测", "C3744"),
    ),
    (
        need("光伏组件隐裂检测", "需要光伏组件隐裂的快速检测方法和设备。", "光伏组件；隐裂", "C3825"),
        need("光伏电站智能运维", "希望对光伏电站进行智能化运维和发电量预测。", "光伏电站；运维", "D4416"),
    ),
    (
        need("中药制剂质量一致性评价", "需要中药制剂批间质量一致性的快速检测方法。", "中药；质量", "C2740"),
        need("中药配方颗粒工艺优化", "优化中药配方颗粒提取和干燥工艺，提升收率。", "中药；工艺", "C2740"),
    ),
)  # fmt: skip


def main() -> None:
    rng = random.Random(20261206)  # noqa: S311 (a fixed, reproducible sample)
    rows = _generated(rng)
    rows += [a + b + ["near", "hand: restated by another firm"] for a, b in NEAR]
    rows += [a + b + ["not", "hand: shares a word, another problem"] for a, b in NOT]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"wrote {len(rows)} pairs to {OUT}")


if __name__ == "__main__":
    main()
