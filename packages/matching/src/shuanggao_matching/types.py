"""Plain result and input types of the matching library (frozen dataclasses, JSON-able).

Inputs: :class:`Document` (anything indexed: a supply item, an expert profile, a demand) and
:class:`Query` (a demand text or a document used as a query). Filters: :class:`Filter` (a
stated metadata condition) and :class:`Predicate` (any named callable). Outputs:
:class:`SearchResults` holding :class:`Match` objects with their :class:`Reasons`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = [
    "ComponentScores",
    "Document",
    "Evidence",
    "Filter",
    "FilterOp",
    "Match",
    "MetaValue",
    "Method",
    "Predicate",
    "Query",
    "Reasons",
    "SearchResults",
    "SharedTerm",
    "Span",
]

MetaValue = str | int | float | bool | None | list[str] | list[int]
Method = Literal["hybrid", "lexical", "dense"]
FilterOp = Literal["eq", "ne", "in", "not_in", "lt", "lte", "gt", "gte", "any", "exists"]


@dataclass(frozen=True, slots=True)
class Document:
    """An indexed record.

    ``codes`` are classification codes used in reasons (GB/T 4754 industry codes, 一级学科
    codes, chain nodes ...); a code shared with the query, or one being a prefix of the other,
    is reported. ``owner`` is the person or team the item belongs to (people ranking).
    ``metadata`` holds filterable JSON values (visibility, university id, cooperation modes,
    maturity ...).
    """

    id: str
    title: str = ""
    body: str = ""
    keywords: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    kind: str = "item"
    owner: str | None = None
    metadata: Mapping[str, MetaValue] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["keywords"] = list(self.keywords)
        out["codes"] = list(self.codes)
        out["metadata"] = dict(self.metadata)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        return cls(
            id=str(data["id"]),
            title=str(data.get("title", "")),
            body=str(data.get("body", "")),
            keywords=tuple(data.get("keywords", ())),
            codes=tuple(data.get("codes", ())),
            kind=str(data.get("kind", "item")),
            owner=data.get("owner"),
            metadata=dict(data.get("metadata", {})),
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """Evidence from outside the texts that ties some documents to the query (the documents
    tied to a demand's confirmed chain node): a document whose id is in ``ids``, or which
    carries one of ``codes``, gains ``weight`` in the fused score (hybrid search, on the same
    z-score scale as the code agreement) and ``label`` in its reasons."""

    label: str
    ids: frozenset[str] = frozenset()
    codes: tuple[str, ...] = ()
    weight: float = 1.0

    def applies(self, doc: Document) -> bool:
        if doc.id in self.ids:
            return True
        if not self.codes or not doc.codes:
            return False
        mine = {c.strip().upper() for c in self.codes}
        return any(c.strip().upper() in mine for c in doc.codes)


@dataclass(frozen=True, slots=True)
class Query:
    """A search request text with optional keywords, classification codes and outside
    :class:`Evidence`."""

    text: str
    keywords: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    @classmethod
    def from_document(cls, doc: Document) -> Query:
        """Use a document (a demand or a supply item) as the query of the other direction."""
        text = "\n".join(p for p in (doc.title, doc.body) if p)
        return cls(text=text, keywords=doc.keywords, codes=doc.codes)


def _field_value(doc: Document, name: str) -> Any:
    if name in ("id", "kind", "owner", "title"):
        return getattr(doc, name)
    if name in ("codes", "keywords"):
        return list(getattr(doc, name))
    return doc.metadata.get(name)


@dataclass(frozen=True, slots=True)
class Filter:
    """A stated condition on a document field or metadata key.

    ``field`` is ``id``, ``kind``, ``owner``, ``codes``, ``keywords`` or a metadata key. ``op``:
    ``eq``/``ne``; ``in``/``not_in`` (value is a list); ``lt``/``lte``/``gt``/``gte`` (numbers,
    a missing value fails); ``any`` (the field is a list sharing at least one element with
    ``value``, or a scalar inside ``value``); ``exists`` (``value`` is True or False).
    """

    field: str
    op: FilterOp
    value: Any = None

    def __call__(self, doc: Document) -> bool:
        v = _field_value(doc, self.field)
        op = self.op
        if op == "eq":
            return bool(v == self.value)
        if op == "ne":
            return bool(v != self.value)
        if op == "in":
            return v in self.value
        if op == "not_in":
            return v not in self.value
        if op == "exists":
            return (v is not None) == bool(self.value)
        if op == "any":
            wanted = set(self.value)
            if isinstance(v, list):
                return bool(wanted.intersection(v))
            return v in wanted
        if v is None or isinstance(v, list | str):
            return False
        if op == "lt":
            return bool(v < self.value)
        if op == "lte":
            return bool(v <= self.value)
        if op == "gt":
            return bool(v > self.value)
        if op == "gte":
            return bool(v >= self.value)
        raise ValueError(f"unknown filter op {op!r}")

    def describe(self) -> str:
        value = list(self.value) if isinstance(self.value, tuple | set | frozenset) else self.value
        return f"{self.field} {self.op} {value!r}"

    def key(self) -> tuple[str, str, str]:
        return (self.field, self.op, repr(self.value))


@dataclass(frozen=True, slots=True)
class Predicate:
    """Any named condition on a document (e.g. "visible to university U12")."""

    name: str
    fn: Callable[[Document], bool]

    def __call__(self, doc: Document) -> bool:
        return bool(self.fn(doc))

    def describe(self) -> str:
        return self.name

    def key(self) -> tuple[str, str, str]:
        return ("predicate", self.name, str(id(self.fn)))


@dataclass(frozen=True, slots=True)
class Span:
    """Where a shared term occurs in the *original* (un-normalised) text of a field."""

    field: Literal["title", "body", "keywords", "query"]
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class SharedTerm:
    """A term found in both the query and the document, with its BM25 idf weight."""

    term: str
    weight: float
    query_spans: tuple[Span, ...] = ()
    doc_spans: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class ComponentScores:
    """Each component's score. ``None`` means the component did not run.

    ``lexical`` is the raw BM25 score, ``dense`` the cosine similarity, ``*_norm`` their
    calibrated (per-query normalised) values and ``fused`` the final score. ``coverage`` is the
    idf-weighted share of the query's terms present in the document (0..1), an absolute signal
    comparable across queries (used for gap detection).
    """

    lexical: float | None
    dense: float | None
    lexical_norm: float | None
    dense_norm: float | None
    fused: float
    coverage: float


@dataclass(frozen=True, slots=True)
class Reasons:
    """Why a document matched. ``evidence``: the labels of the query's :class:`Evidence` that
    apply to the document (and moved its score)."""

    method: str
    shared_terms: tuple[SharedTerm, ...]
    shared_codes: tuple[str, ...]
    scores: ComponentScores
    filters_applied: tuple[str, ...]
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    id: str
    kind: str
    title: str
    owner: str | None
    score: float
    rank: int
    reasons: Reasons

    def to_dict(self) -> dict[str, Any]:
        """``{"kind", "id", "title", "owner", "score", "reasons"}`` as plain JSON values."""
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "owner": self.owner,
            "score": self.score,
            "rank": self.rank,
            "reasons": asdict(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class SearchResults:
    """Ranked matches and how they were produced.

    ``method`` is ``"hybrid"``, ``"lexical"`` or ``"dense"``; ``note`` says why a method was
    degraded, e.g. ``"lexical only: no encoder configured"``.
    """

    method: str
    matches: tuple[Match, ...]
    filters_applied: tuple[str, ...] = ()
    note: str | None = None
    query_terms: tuple[str, ...] = ()

    @property
    def lexical_only(self) -> bool:
        return self.method == "lexical"

    def ids(self) -> list[str]:
        return [m.id for m in self.matches]

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "note": self.note,
            "filters_applied": list(self.filters_applied),
            "query_terms": list(self.query_terms),
            "results": [m.to_dict() for m in self.matches],
        }


def describe_filters(filters: Sequence[Filter | Predicate]) -> tuple[str, ...]:
    return tuple(f.describe() for f in filters)
