"""Reasons of a match: shared terms with their places in the original texts, shared codes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from .text import normalize_with_offsets, original_span
from .types import ComponentScores, Document, Reasons, SharedTerm, Span

__all__ = ["build_reasons", "find_spans", "query_coverage", "shared_codes"]

FieldName = Literal["title", "body", "keywords", "query"]


def find_spans(text: str, term: str, field: FieldName, *, limit: int = 3) -> tuple[Span, ...]:
    """Occurrences of ``term`` (a normalised, lower-case token) in ``text``, as spans of the
    original ``text``; at most ``limit``."""
    return _FieldText(text, field).find(term, limit)


class _FieldText:
    """A field's original text; normalised (with offsets) only when a term is not found as is.

    Most Chinese text is already in normal form, so a plain search of the lower-cased original
    finds the term and its original span directly.
    """

    def __init__(self, text: str, field: FieldName) -> None:
        self.text = text
        self.field: FieldName = field
        low = text.lower()
        self.raw = low if len(low) == len(text) else text
        self._norm: tuple[str, list[int]] | None = None

    def _normalised(self) -> tuple[str, list[int]]:
        if self._norm is None:
            norm, offsets = normalize_with_offsets(self.text)
            low = norm.lower()
            self._norm = (low if len(low) == len(norm) else norm, offsets)
        return self._norm

    def find(self, term: str, limit: int = 3) -> tuple[Span, ...]:
        if not term or not self.text:
            return ()
        spans: list[Span] = []
        start = self.raw.find(term)
        while start != -1 and len(spans) < limit:
            end = start + len(term)
            spans.append(Span(self.field, start, end, self.text[start:end]))
            start = self.raw.find(term, end)
        if spans:
            return tuple(spans)
        hay, offsets = self._normalised()
        start = hay.find(term)
        while start != -1 and len(spans) < limit:
            end = start + len(term)
            o_start, o_end = original_span(offsets, start, end)
            spans.append(Span(self.field, o_start, o_end, self.text[o_start:o_end]))
            start = hay.find(term, end)
        return tuple(spans)


def shared_codes(query_codes: Iterable[str], doc_codes: Iterable[str]) -> tuple[str, ...]:
    """Codes in common; a code that is a prefix of the other side's code (a GB/T 4754 中类 and
    one of its 小类, a 门类 and a discipline code) counts, reported as ``"3841~384"``."""
    out: list[str] = []
    dset = list(dict.fromkeys(doc_codes))
    for q in dict.fromkeys(query_codes):
        for d in dset:
            if q == d:
                out.append(q)
            elif d.startswith(q) or q.startswith(d):
                out.append(f"{q}~{d}")
    return tuple(out)


def query_coverage(
    query_terms: Sequence[tuple[str, int, float]], doc_ids: npt.NDArray[np.int64] | None
) -> float:
    """The idf-weighted share of the distinct query terms present in the document (0..1)."""
    total = sum(idf for _, _, idf in query_terms)
    if total <= 0 or doc_ids is None:
        return 0.0
    present = set(doc_ids.tolist())
    return float(sum(idf for _, tid, idf in query_terms if tid in present) / total)


def build_reasons(
    *,
    method: str,
    query_text: str,
    query_codes: Sequence[str],
    query_terms: Sequence[tuple[str, int, float]],
    doc: Document,
    doc_ids: npt.NDArray[np.int64] | None,
    scores: ComponentScores,
    filters_applied: tuple[str, ...],
    max_terms: int = 8,
) -> Reasons:
    """Reasons for ``doc``.

    ``query_terms`` are the distinct query terms as ``(term, term id, idf)``; the shared ones are
    reported by decreasing idf, at most ``max_terms``, with their spans in the query and in the
    document's title, keywords and body (original text, for highlighting).
    """
    present = set(doc_ids.tolist()) if doc_ids is not None else set()
    shared = [(term, idf) for term, tid, idf in query_terms if tid in present]
    # Longest first, then drop a term contained in a longer shared term (电池 inside 锂电池).
    shared.sort(key=lambda x: (-len(x[0]), -x[1]))
    kept: list[tuple[str, float]] = []
    for term, idf in shared:
        if not any(term in longer for longer, _ in kept):
            kept.append((term, idf))
    kept.sort(key=lambda x: -x[1])
    fields = (
        _FieldText(doc.title, "title"),
        _FieldText("；".join(doc.keywords), "keywords"),
        _FieldText(doc.body, "body"),
    )
    query_field = _FieldText(query_text, "query")
    out: list[SharedTerm] = []
    for term, idf in kept[:max_terms]:
        doc_spans: tuple[Span, ...] = ()
        for f in fields:
            doc_spans += f.find(term)
        out.append(
            SharedTerm(
                term=term,
                weight=round(float(idf), 4),
                query_spans=query_field.find(term),
                doc_spans=doc_spans,
            )
        )
    return Reasons(
        method=method,
        shared_terms=tuple(out),
        shared_codes=shared_codes(query_codes, doc.codes),
        scores=scores,
        filters_applied=filters_applied,
    )
