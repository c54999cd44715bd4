from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from matching_helpers import CountingEncoder, generated_items

from shuanggao_matching import (
    ChineseTokenizer,
    Document,
    Filter,
    HashingEncoder,
    Matcher,
    Predicate,
    Query,
)

DEMAND = "我们急需为锂电池储能系统做更精准的安全预测和预警"


@pytest.fixture()
def matcher(tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]) -> Matcher:
    m = Matcher(tokenizer=tokenizer, encoder=encoder)
    m.add(docs)
    return m


def test_hybrid_search_ranks_the_storage_safety_item_first(matcher: Matcher) -> None:
    res = matcher.search(DEMAND, top_k=3)
    assert res.method == "hybrid" and res.note is None
    assert res.ids()[0] == "s1"
    top = res.matches[0]
    assert top.rank == 1 and top.owner == "peng" and top.kind == "achievement"
    scores = top.reasons.scores
    assert scores.lexical is not None and scores.lexical > 0
    assert scores.dense is not None and -1.0 <= scores.dense <= 1.0
    assert scores.lexical_norm is not None and scores.dense_norm is not None
    assert top.score == pytest.approx(scores.fused)
    assert 0.0 < scores.coverage <= 1.0


def test_reasons_list_shared_terms_with_original_substrings(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder
) -> None:
    m = Matcher(tokenizer=tokenizer, encoder=encoder)
    m.add([Document(id="t", title="鋰電池儲能系統", body="大型储能电站的安全预警。")])
    res = m.search(Query(text=DEMAND, codes=("38",)), top_k=1)
    reasons = res.matches[0].reasons
    terms = {t.term: t for t in reasons.shared_terms}
    assert "储能系统" in terms and "锂电池" in terms and "预警" in terms
    # 电池 is inside 锂电池: reported once, as the longer term.
    assert "电池" not in terms
    title_span = next(s for s in terms["储能系统"].doc_spans if s.field == "title")
    assert (title_span.start, title_span.end, title_span.text) == (3, 7, "儲能系統")
    q_span = terms["预警"].query_spans[0]
    assert DEMAND[q_span.start : q_span.end] == "预警"
    assert reasons.method == "hybrid"
    assert reasons.shared_codes == ()


def test_shared_codes_include_prefix_matches(matcher: Matcher) -> None:
    res = matcher.search(Query(text="储能安全", codes=("0807", "38")), top_k=4)
    by_id = {m.id: m for m in res.matches}
    assert by_id["s1"].reasons.shared_codes == ("0807", "38~3841")
    assert by_id["s4"].reasons.shared_codes == ("0807",)


def test_lexical_only_is_stated(tokenizer: ChineseTokenizer, docs: list[Document]) -> None:
    m = Matcher(tokenizer=tokenizer, encoder=None)
    m.add(docs)
    res = m.search(DEMAND)
    assert res.method == "lexical" and res.lexical_only
    assert res.note == "lexical only: no encoder configured"
    assert res.ids()[0] == "s1"
    assert res.matches[0].reasons.scores.dense is None
    assert res.to_dict()["note"] == "lexical only: no encoder configured"
    with pytest.raises(ValueError, match="needs an encoder"):
        m.search(DEMAND, method="dense")


def test_filters_restrict_results_and_are_reported(matcher: Matcher) -> None:
    filters = [
        Filter("visibility", "in", ["公开", "仅结对高校"]),
        Filter("trl", "gte", 5),
        Filter("modes", "any", ["技术开发", "共建平台"]),
    ]
    res = matcher.search("锂电池储能 芯片测试 水稻", top_k=10, filters=filters)
    assert set(res.ids()) == {"s1", "s3"}
    assert res.filters_applied == (
        "visibility in ['公开', '仅结对高校']",
        "trl gte 5",
        "modes any ['技术开发', '共建平台']",
    )
    assert res.matches[0].reasons.filters_applied == res.filters_applied


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (Filter("owner", "eq", "peng"), {"s1", "s3"}),
        (Filter("owner", "ne", "peng"), {"s2", "s4"}),
        (Filter("university", "not_in", ["njit"]), {"s2", "s3"}),
        (Filter("trl", "lt", 6), {"s4"}),
        (Filter("trl", "lte", 6), {"s1", "s4"}),
        (Filter("trl", "gt", 7), {"s2"}),
        (Filter("kind", "eq", "platform"), {"s3"}),
        (Filter("codes", "any", ["0901"]), {"s2"}),
        (Filter("missing", "exists", False), {"s1", "s2", "s3", "s4"}),
        (
            Predicate("paired with njit", lambda d: d.metadata.get("university") == "njit"),
            {"s1", "s4"},
        ),
    ],
)
def test_filter_operations(matcher: Matcher, flt: Filter | Predicate, expected: set[str]) -> None:
    res = matcher.search("锂电池 水稻 芯片 电池", top_k=10, filters=[flt], method="dense")
    assert set(res.ids()) == expected


def test_exclude_ids(matcher: Matcher) -> None:
    assert "s1" not in matcher.search(DEMAND, exclude_ids=["s1"]).ids()


def test_incremental_add_update_remove(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    counting = CountingEncoder(encoder)
    m = Matcher(tokenizer=tokenizer, encoder=counting)
    m.add(docs[:2])
    assert len(m) == 2 and "s1" in m and "s3" not in m
    assert m.search("芯片测试", method="lexical").ids() == []
    m.add(docs[2:])
    assert len(counting.passages) == 4
    assert m.search("芯片测试", method="lexical").ids() == ["s3"]

    # Update with unchanged text: nothing is embedded again.
    m.update([Document(id="s3", title=docs[2].title, body=docs[2].body, owner="new-owner")])
    assert len(counting.passages) == 4
    assert m.get("s3") is not None and m.get("s3").owner == "new-owner"  # type: ignore[union-attr]
    # Update with new text: embedded once, old terms gone.
    m.update([Document(id="s3", title="海水淡化膜材料", body="反渗透膜。")])
    assert len(counting.passages) == 5
    assert m.search("芯片测试", method="lexical").ids() == []
    assert m.search("海水淡化", method="lexical").ids() == ["s3"]
    with pytest.raises(KeyError):
        m.update([Document(id="nope", title="x")])

    assert m.remove(["s1", "nope"]) == 1
    assert len(m) == 3 and m.get("s1") is None
    assert "s1" not in m.search(DEMAND, top_k=10).ids()
    # Re-adding a removed document works.
    m.add([docs[0]])
    assert m.search(DEMAND, top_k=1).ids() == ["s1"]


def test_save_load_round_trip(
    tmp_path: Path, tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    m = Matcher(tokenizer=tokenizer, encoder=encoder)
    m.add(docs)
    m.remove(["s2"])
    before = m.search(DEMAND, top_k=5).to_dict()
    m.save(tmp_path / "idx")
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["encoder"] == encoder.model_id and manifest["documents"] == 3

    counting = CountingEncoder(HashingEncoder(dim=128))
    loaded = Matcher.load(tmp_path / "idx", encoder=counting, tokenizer=tokenizer)
    assert counting.passages == []  # vectors come from the saved index
    assert len(loaded) == 3 and "s2" not in loaded
    assert loaded.search(DEMAND, top_k=5).to_dict() == before
    loaded.add([Document(id="s9", title="储能电池管理系统", body="电池管理。")])
    assert len(counting.passages) == 1
    assert "s9" in loaded.search(DEMAND, top_k=5).ids()


def test_load_without_encoder_is_lexical_with_a_note(
    tmp_path: Path, tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    m = Matcher(tokenizer=tokenizer, encoder=encoder)
    m.add(docs)
    m.save(tmp_path / "idx")
    loaded = Matcher.load(tmp_path / "idx", encoder=None, tokenizer=tokenizer)
    res = loaded.search(DEMAND)
    assert res.method == "lexical"
    assert res.note is not None and encoder.model_id in res.note
    assert res.ids()[0] == "s1"


def test_load_with_another_model_reembeds(
    tmp_path: Path, tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    m = Matcher(tokenizer=tokenizer, encoder=encoder)
    m.add(docs)
    m.save(tmp_path / "idx")
    other = CountingEncoder(HashingEncoder(dim=64))
    loaded = Matcher.load(tmp_path / "idx", encoder=other, tokenizer=tokenizer)
    assert len(other.passages) == 4
    assert loaded.search(DEMAND, top_k=1).ids() == ["s1"]


def test_load_with_another_tokenizer_retokenises(
    tmp_path: Path, tokenizer: ChineseTokenizer, docs: list[Document]
) -> None:
    m = Matcher(tokenizer=tokenizer)
    m.add(docs)
    m.save(tmp_path / "idx")
    loaded = Matcher.load(tmp_path / "idx", tokenizer=ChineseTokenizer(mode="precise"))
    assert loaded.search("芯片测试").ids()[0] == "s3"


def test_document_as_query_and_stats(matcher: Matcher, docs: list[Document]) -> None:
    res = matcher.search(docs[3], top_k=2, exclude_ids=["s4"])
    assert res.ids()[0] == "s1"
    stats = matcher.stats()
    assert stats.documents == 4 and stats.dense_kind == "exact"
    assert stats.index_bytes > 0 and stats.encoder == matcher.encoder.model_id  # type: ignore[union-attr]


def test_prf_runs_and_keeps_the_best_hit(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    from shuanggao_matching import FusionConfig

    m = Matcher(
        tokenizer=tokenizer, encoder=encoder, fusion=FusionConfig(prf_docs=1, prf_dense_weight=0.5)
    )
    m.add(docs)
    assert m.search(DEMAND, top_k=2).ids()[0] == "s1"


def test_query_vector_can_be_supplied(matcher: Matcher) -> None:
    qv = matcher.encode_query(DEMAND)
    assert qv is not None
    a = matcher.search(DEMAND, query_vector=qv).to_dict()
    b = matcher.search(DEMAND).to_dict()
    assert a == b
    assert np.isclose(np.linalg.norm(qv), 1.0, atol=1e-4)


def test_changing_the_encoder_reembeds_everything(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder, docs: list[Document]
) -> None:
    m = Matcher(tokenizer=tokenizer, encoder=encoder)
    m.add(docs)
    other = CountingEncoder(HashingEncoder(dim=64))
    m.encoder = other
    m.add([Document(id="s9", title="储能电池管理系统")])
    assert len(other.passages) == 5
    assert m.search(DEMAND, top_k=1).ids() == ["s1"]


def test_forked_tokenising_gives_the_same_index(tokenizer: ChineseTokenizer) -> None:
    docs = list(generated_items(2500, seed=3))
    one = Matcher(tokenizer=tokenizer)
    one.add(docs, n_jobs=1)
    two = Matcher(tokenizer=tokenizer)
    two.add(docs, n_jobs=2)
    assert one._vocab.terms == two._vocab.terms
    for a, b in zip(one._tokens, two._tokens, strict=True):
        assert a is not None and b is not None
        np.testing.assert_array_equal(a, b)
    query = docs[7].title
    assert one.search(query, top_k=5).ids() == two.search(query, top_k=5).ids()


class _FailingTokenizer(ChineseTokenizer):
    def tokenize(self, text: str) -> list[str]:
        if "BOOM" in text:
            raise ValueError("cannot tokenise")
        return super().tokenize(text)


def test_a_failing_tokenizer_worker_fails_the_add_and_changes_nothing() -> None:
    import multiprocessing

    docs = list(generated_items(3000, seed=4))
    for i in (5, 2900):  # one in the first chunks, one in the last
        docs[i] = Document(id=docs[i].id, title="BOOM", body="x")
    m = Matcher(tokenizer=_FailingTokenizer())
    with pytest.raises((ValueError, RuntimeError), match="cannot tokenise"):
        m.add(docs, n_jobs=2)
    assert len(m) == 0 and len(m.search("锂电池", top_k=5).matches) == 0
    assert multiprocessing.active_children() == []


class _FailingInWorkers(ChineseTokenizer):
    def __init__(self) -> None:
        super().__init__()
        self.parent_pid = os.getpid()

    def tokenize(self, text: str) -> list[str]:
        if os.getpid() != self.parent_pid:
            raise ValueError("worker cannot tokenise")
        return super().tokenize(text)


def test_an_error_in_a_forked_worker_reaches_the_caller() -> None:
    import multiprocessing

    # Enough chunks that the worker claims one before this process has counted them all.
    docs = list(generated_items(20000, seed=5))
    m = Matcher(tokenizer=_FailingInWorkers())
    with pytest.raises(RuntimeError, match="worker cannot tokenise"):
        m.add(docs, n_jobs=2)
    assert len(m) == 0
    assert multiprocessing.active_children() == []


def _corpus(n: int) -> list[Document]:
    words = ["锂电池", "储能", "安全", "预警", "芯片", "测试", "水稻", "育种", "机器人", "视觉"]
    words += ["检测", "光伏", "组件", "氢能", "催化", "材料", "算法", "模型", "数据", "平台"]
    rng = np.random.default_rng(5)
    return [
        Document(
            id=f"d{i}",
            title="".join(rng.choice(words, size=3)),
            body="，".join("".join(rng.choice(words, size=3)) for _ in range(4)),
        )
        for i in range(n)
    ]


def test_graph_index_gives_the_exact_hybrid_ranking_when_it_visits_everything(
    tokenizer: ChineseTokenizer, encoder: HashingEncoder
) -> None:
    # 300 vectors and ef_search 400 > n: the graph search is exhaustive here, so the graph
    # path (hit scores from the graph, other candidates' vectors read back and shared across
    # the feedback pass, candidates that cannot reach the top k left out) must give the
    # exact path's ranking and scores.
    docs = _corpus(300)
    exact = Matcher(tokenizer=tokenizer, encoder=encoder)
    exact.add(docs)
    graph = Matcher(tokenizer=tokenizer, encoder=encoder, graph_threshold=100)
    graph.add(docs)
    assert graph.stats().dense_kind == "hnsw" and exact.stats().dense_kind == "exact"
    graph._dense.ef_search = 400  # type: ignore[union-attr]
    queries = ("锂电池储能安全预警", "芯片测试算法", "水稻育种数据平台", "光伏材料")
    for text, top_k in [(q, k) for q in queries for k in (3, 20)]:
        a = exact.search(text, top_k=top_k)
        b = graph.search(text, top_k=top_k)
        assert a.ids() == b.ids()
        for ma, mb in zip(a.matches, b.matches, strict=True):
            assert mb.score == pytest.approx(ma.score, abs=1e-4)
            assert mb.reasons.scores.dense == pytest.approx(ma.reasons.scores.dense, abs=1e-5)


def test_stage_timings_are_collected_when_asked(matcher: Matcher) -> None:
    assert matcher.stage_timings is None
    timings: dict[str, float] = {}
    matcher.stage_timings = timings
    matcher.search(DEMAND, top_k=3)
    assert set(timings) == {"query", "embedding", "dense", "lexical", "fusion", "reasons"}
    assert all(v >= 0 for v in timings.values())
    timings.clear()
    matcher.search(DEMAND, top_k=3, method="lexical")
    assert set(timings) == {"query", "lexical", "reasons"}
