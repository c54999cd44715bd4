"""A hit's reasons as plain JSON (stored with a recommendation, returned by the API): the
library's frozen result types become dicts and lists, floats rounded to 4 places."""

from __future__ import annotations

from typing import Any

from shuanggao_matching import ComponentScores, Reasons, SharedTerm, Span
from shuanggao_matching import Match as LibMatch

# The field names of each dataclass ``plain`` met, so each value costs one dict lookup.
_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _fields_of(cls: type) -> tuple[str, ...] | None:
    try:
        return _FIELDS[cls]
    except KeyError:
        names = getattr(cls, "__dataclass_fields__", None)
        found = tuple(names) if names is not None else None
        _FIELDS[cls] = found
        return found


def plain(value: Any) -> Any:
    """Plain JSON of the library's frozen result types (dataclasses → dicts, tuples → lists,
    floats rounded to 4 places), without ``dataclasses.asdict``'s deep copies. The exact
    built-in types are dispatched first (a hit's reasons hold hundreds of values)."""
    cls = type(value)
    if cls is str or cls is int or cls is bool or value is None:
        return value
    if cls is float:
        return round(value, 4)
    if cls is tuple or cls is list:
        return [plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, str | int | bool):
        return value
    names = _fields_of(cls)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _num(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value


def _spans(spans: tuple[Span, ...]) -> list[dict[str, Any]]:
    return [{"field": s.field, "start": s.start, "end": s.end, "text": s.text} for s in spans]


# ``reasons_json`` spells out the library's reason types field by field (about twice as fast as
# walking them); it is exact only while those types have these fields, else ``plain`` does it.
_SHAPES = {
    Reasons: ("method", "shared_terms", "shared_codes", "scores", "filters_applied", "evidence"),
    SharedTerm: ("term", "weight", "query_spans", "doc_spans"),
    Span: ("field", "start", "end", "text"),
    ComponentScores: ("lexical", "dense", "lexical_norm", "dense_norm", "fused", "coverage"),
}
_SHAPES_HOLD = all(_fields_of(cls) == names for cls, names in _SHAPES.items())


def reasons_json(match: LibMatch) -> dict[str, Any]:
    """The hit's reasons as plain JSON: exactly what ``plain(match.reasons)`` gives."""
    r = match.reasons
    if not _SHAPES_HOLD or type(r) is not Reasons or type(r.scores) is not ComponentScores:
        data: dict[str, Any] = plain(r)
        return data
    sc = r.scores
    return {
        "method": r.method,
        "shared_terms": [
            {
                "term": t.term,
                "weight": _num(t.weight),
                "query_spans": _spans(t.query_spans),
                "doc_spans": _spans(t.doc_spans),
            }
            if type(t) is SharedTerm
            else plain(t)
            for t in r.shared_terms
        ],
        "shared_codes": [plain(c) for c in r.shared_codes],
        "scores": {
            "lexical": _num(sc.lexical),
            "dense": _num(sc.dense),
            "lexical_norm": _num(sc.lexical_norm),
            "dense_norm": _num(sc.dense_norm),
            "fused": _num(sc.fused),
            "coverage": _num(sc.coverage),
        },
        "filters_applied": [plain(f) for f in r.filters_applied],
        "evidence": [plain(e) for e in r.evidence],
    }
