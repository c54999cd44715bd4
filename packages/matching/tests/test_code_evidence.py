"""Classification codes as ranking evidence: the machine-vision-vs-锂电池 confusion (a machine
vision supply item ranked battery-safety needs first because both mention 锂电池)."""

from __future__ import annotations

import pytest

from shuanggao_matching import (
    ChineseTokenizer,
    Document,
    Evidence,
    FusionConfig,
    HashingEncoder,
    Matcher,
    Query,
)
from shuanggao_matching.fusion import code_agreement

# A machine-vision item for battery lines (GB/T 4754 C3491 工业机器人制造 / 机器视觉装备).
VISION = Document(
    id="vision",
    title="锂电池产线机器视觉系统",
    body="面向锂电池生产线的机器视觉系统：锂电池电芯外观识别、锂电池极片对位，工业相机与图像算法。",
    keywords=("机器视觉", "锂电池", "工业相机"),
    codes=("C3491",),
)
NEEDS = [
    Document(
        id="safety-1",
        title="锂电池储能系统安全预测与预警",
        body="锂电池储能电站热失控早期预警，锂电池安全预测模型，锂电池簇级监测。",
        keywords=("锂电池", "储能", "热失控"),
        codes=("C3841",),
    ),
    Document(
        id="safety-2",
        title="锂电池模组热失控检测与防护",
        body="锂电池模组热失控在线检测与防护，锂电池安全。",
        keywords=("锂电池", "热失控"),
        codes=("C3841",),
    ),
    Document(
        id="vision-need",
        title="零件表面划痕自动识别",
        body="希望用工业相机和图像算法替代人工目检。",
        keywords=("外观识别",),
        codes=("C3491",),
    ),
    Document(
        id="vision-need-2",
        title="装配线视觉定位",
        body="装配线上需要视觉定位，提高良率。",
        keywords=("视觉定位",),
        codes=("C3499",),
    ),
]


# The rest of a zone's needs: other industries, so the fused scores are spread as in real use.
FILLER = [
    Document(id=f"other-{i}", title=title, body=body, codes=(code,))
    for i, (title, body, code) in enumerate(
        [
            ("中药配方颗粒提取工艺优化", "优化中药提取和干燥工艺，提升收率。", "C2740"),
            ("污水处理厂精准加药", "污水处理加药环节智能控制，降低药耗。", "N7724"),
            ("船舶焊接变形控制", "大型船舶分段焊接变形预测与控制。", "C3731"),
            ("碳纤维复合材料固化工艺", "碳纤维预浸料固化工艺参数优化。", "C2614"),
            ("数控机床热误差补偿", "数控机床主轴热误差建模与补偿。", "C3421"),
            ("光伏组件隐裂检测", "光伏组件隐裂快速检测方法和设备。", "C3825"),
            ("医用导管涂层", "医用导管亲水涂层制备与评价。", "C3581"),
            ("工业软件数据中台", "制造企业数据中台与工业软件集成。", "I6513"),
            ("智能网联汽车测试场景库", "智能网联汽车仿真测试场景库建设。", "C3670"),
            ("纺织面料染色色差控制", "连续染色色差在线检测与控制。", "C1752"),
            ("质子交换膜制备", "低铂高耐久质子交换膜制备技术。", "C3849"),
            ("电子特气提纯", "6N 电子特种气体提纯与检测。", "C2619"),
            ("轴承寿命评估", "高端轴承疲劳寿命试验与评估。", "C3451"),
            ("芯片测试方案开发", "新一代芯片测试方案联合开发。", "C3973"),
            ("功能食品配方开发", "功能性食品配方与功效评价。", "C1495"),
            ("液压阀块轻量化", "液压阀块增材制造与轻量化设计。", "C3444"),
        ]
    )
]


def _ranking(weight: float, tokenizer: ChineseTokenizer) -> list[str]:
    matcher = Matcher(
        tokenizer=tokenizer,
        encoder=HashingEncoder(dim=256),
        fusion=FusionConfig(code_weight=weight, prf_docs=0),
    )
    matcher.add([*NEEDS, *FILLER])
    matcher.refresh()
    return matcher.search(VISION, top_k=6, method="hybrid").ids()


def test_agreement_values() -> None:
    assert code_agreement(["C3841"], ["C3841", "0808"]) == 1.0
    assert code_agreement(["C38"], ["C3841"]) == 0.5
    assert code_agreement(["C3491"], ["C3841"]) == -1.0
    assert code_agreement(["C3491"], ["0808"]) == 0.0
    assert code_agreement([], ["C3841"]) == 0.0


def test_codes_fix_the_machine_vision_vs_battery_confusion(tokenizer: ChineseTokenizer) -> None:
    before = _ranking(0.0, tokenizer)
    # Without codes the shared word 锂电池 puts a battery-safety need first.
    assert before[0].startswith("safety"), before
    after = _ranking(FusionConfig().code_weight, tokenizer)
    assert after[0] == "vision-need", after
    assert after.index("vision-need") < min(after.index("safety-1"), after.index("safety-2"))


def test_no_codes_no_change(tokenizer: ChineseTokenizer) -> None:
    plain = Document(id="q", title=VISION.title, body=VISION.body, keywords=VISION.keywords)
    matcher = Matcher(tokenizer=tokenizer, encoder=HashingEncoder(dim=256))
    matcher.add([*NEEDS, *FILLER])
    matcher.refresh()
    off = Matcher(
        tokenizer=tokenizer, encoder=HashingEncoder(dim=256), fusion=FusionConfig(code_weight=0)
    )
    off.add([*NEEDS, *FILLER])
    off.refresh()
    assert matcher.search(plain, method="hybrid").ids() == off.search(plain, method="hybrid").ids()


def test_outside_evidence_moves_the_tied_documents_and_says_so(
    tokenizer: ChineseTokenizer,
) -> None:
    """A demand's confirmed chain node ties documents to it (by id, e.g. earlier confirmed
    matches on the node, or by the node's codes): they gain the evidence's weight and its
    label; the others are untouched."""
    matcher = Matcher(
        tokenizer=tokenizer, encoder=HashingEncoder(dim=256), fusion=FusionConfig(prf_docs=0)
    )
    matcher.add([*NEEDS, *FILLER])
    matcher.refresh()
    text = "锂电池安全预测"
    plain = matcher.search(Query(text=text), top_k=30, method="hybrid")
    by_id = {m.id: m for m in plain.matches}
    label = "同一产业链环节：新型储能 · 电池管理系统"
    tied = Evidence(label=label, ids=frozenset({"other-12"}), codes=("c3973",), weight=1.0)
    res = matcher.search(Query(text=text, evidence=(tied,)), top_k=30, method="hybrid")
    moved = {m.id: m for m in res.matches}
    # other-10 (C3849) is neither named nor carries the code: same score, no label.
    assert moved["other-10"].score == pytest.approx(by_id["other-10"].score)
    assert moved["other-10"].reasons.evidence == ()
    for doc_id in ("other-12", "other-13"):  # by id; by code (C3973, case-insensitive)
        assert moved[doc_id].score == pytest.approx(by_id[doc_id].score + 1.0, abs=1e-4)
        assert moved[doc_id].reasons.evidence == (label,)
    # Two pieces of evidence on one document: the larger weight, not the sum; both labels.
    both = (tied, Evidence(label="另一证据", ids=frozenset({"other-12"}), weight=0.5))
    res2 = matcher.search(Query(text=text, evidence=both), top_k=30, method="hybrid")
    twice = next(m for m in res2.matches if m.id == "other-12")
    assert twice.score == pytest.approx(by_id["other-12"].score + 1.0, abs=1e-4)
    assert twice.reasons.evidence == (label, "另一证据")
    # Lexical search is the lexical component alone: evidence does not move it.
    lex = matcher.search(Query(text=text, evidence=(tied,)), top_k=30, method="lexical")
    assert all(m.reasons.evidence == () for m in lex.matches)
