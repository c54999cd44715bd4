"""Chinese tokenisation: jieba segmentation with a domain dictionary and stopwords.

:class:`ChineseTokenizer` owns a private segmenter, created and loaded on first use (never at
import). The default backend is ``rjieba`` (the Rust port jieba-rs: same main dictionary, same
DAG + dynamic-programming segmentation and search mode as jieba 0.42.1, ~17x faster); the
pure-Python ``jieba`` package can still be chosen with ``backend="jieba"`` (optional
dependency; jieba's global tokenizer is never touched). By default the domain dictionary and the
merged stopword list shipped in ``shuanggao_matching/data`` are loaded (built by
``packages/matching/scripts/build_domain_dict.py``; see ``data/PROVENANCE.md``).

Tokens are produced from :func:`shuanggao_matching.text.normalize`-d text, Latin tokens are
lower-cased, and punctuation, whitespace, pure numbers and stopwords are dropped. In ``"search"``
mode (the default) a long dictionary word also yields the dictionary words inside it
(锂离子电池 → 离子, 电池, 锂离子电池), so a demand that says 锂电池 and a result that says
锂离子电池 still share 电池.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from .text import normalize

__all__ = [
    "ChineseTokenizer",
    "Token",
    "Tokenizer",
    "default_stopwords",
    "domain_dictionary_path",
]

Mode = Literal["precise", "search"]
Backend = Literal["rjieba", "jieba"]

# jieba's user-dictionary line: ``word [freq] [tag]``.
_USER_DICT_LINE = re.compile(r"^(.+?)( [0-9]+)?( [a-z]+)?$")
# A dictionary entry that can never be matched (the segmenters only look words up inside runs of
# Han characters, Latin letters, digits and ``+#&._%-``); its frequency pads rjieba's dictionary
# total to the one jieba computes. See ``ChineseTokenizer._load_rjieba``.
_TOTAL_PAD_WORD = "\ue000\ue001"
# Cached word -> kept term decisions before the cache is emptied.
_KEEP_CACHE_MAX = 200_000

_KEEP = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
_NUMBER = re.compile(r"^[0-9]+([.,][0-9]+)?%?$")


@dataclass(frozen=True, slots=True)
class Token:
    """A token and its span ``[start, end)`` in the *normalised* text."""

    term: str
    start: int
    end: int


@runtime_checkable
class Tokenizer(Protocol):
    """What the lexical index and the matcher need from a tokenizer."""

    @property
    def fingerprint(self) -> str:
        """Changes whenever the tokens produced for a text could change."""
        ...

    def tokenize(self, text: str) -> list[str]: ...

    def tokenize_spans(self, text: str) -> list[Token]: ...


def domain_dictionary_path() -> Path:
    """Path of the shipped jieba user dictionary (``word freq tag`` lines)."""
    return Path(str(resources.files("shuanggao_matching") / "data" / "domain_dict.txt"))


def default_stopwords() -> frozenset[str]:
    """The shipped merged stopword list (cn, HIT, Baidu, SCU + abstract boilerplate)."""
    text = (resources.files("shuanggao_matching") / "data" / "stopwords.txt").read_text("utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip())


def _keep_term(term: str, stopwords: frozenset[str]) -> str | None:
    term = term.strip().lower()
    if not term or not _KEEP.search(term):
        return None
    if term in stopwords or _NUMBER.match(term):
        return None
    return term


class _KeepCache(dict[str, str]):
    """Raw segmenter word -> kept term (``""``: dropped), filled on first sight of a word."""

    def __init__(self, stopwords: frozenset[str]) -> None:
        super().__init__()
        self._stopwords = stopwords

    def __missing__(self, word: str) -> str:
        if len(self) >= _KEEP_CACHE_MAX:
            self.clear()
        term = _keep_term(word, self._stopwords) or ""
        self[word] = term
        return term


def _user_dict_entries(path: str | Path) -> list[tuple[str, int | None, str | None]]:
    """The ``(word, freq, tag)`` entries of a jieba user dictionary, parsed as jieba does."""
    entries: list[tuple[str, int | None, str | None]] = []
    text = Path(path).read_text("utf-8").lstrip("\ufeff")
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        m = _USER_DICT_LINE.match(line)
        if m is None:
            continue
        word, freq, tag = m.groups()
        entries.append(
            (
                word.strip(),
                None if freq is None else int(freq),
                None if tag is None else tag.strip(),
            )
        )
    return entries


class ChineseTokenizer:
    """jieba-style tokenizer with a domain dictionary and stopwords.

    Parameters
    ----------
    user_dict:
        A jieba user dictionary path (``word [freq] [tag]`` lines); ``"default"`` loads the
        shipped domain dictionary and ``None`` loads none.
    stopwords:
        Words to drop; ``None`` uses :func:`default_stopwords`.
    extra_terms:
        More words to keep whole (e.g. an application's own chain-node names).
    mode:
        ``"search"`` (default) adds the dictionary words inside long words; ``"precise"`` does not.
    hmm:
        Let the HMM join unknown characters into new words. Off by default: with the domain
        dictionary it changed nothing measurable on the CSL dev split.
    backend:
        ``"rjieba"`` (default; jieba-rs, compiled) or ``"jieba"`` (the pure-Python jieba 0.42.1,
        an optional dependency, ~17x slower). Without the HMM both give the same tokens (up to
        exact ties between two segmentations); with it they differ on Latin/digit runs joined
        by ``-``.
    """

    def __init__(
        self,
        *,
        user_dict: str | Path | None = "default",
        stopwords: Iterable[str] | None = None,
        extra_terms: Iterable[str] = (),
        mode: Mode = "search",
        hmm: bool = False,
        backend: Backend = "rjieba",
    ) -> None:
        if backend not in ("rjieba", "jieba"):
            raise ValueError(f"unknown tokenizer backend {backend!r} (rjieba or jieba)")
        self._user_dict = domain_dictionary_path() if user_dict == "default" else user_dict
        self._stopwords = (
            default_stopwords() if stopwords is None else frozenset(w.lower() for w in stopwords)
        )
        self._extra_terms = tuple(sorted({t.strip() for t in extra_terms if t.strip()}))
        self.mode: Mode = mode
        self.hmm = hmm
        self.backend: Backend = backend
        self._seg: Any = None
        self._lock = threading.Lock()
        self._fingerprint: str | None = None
        self._kept = _KeepCache(self._stopwords)

    # -- configuration -----------------------------------------------------------------------
    @property
    def stopwords(self) -> frozenset[str]:
        return self._stopwords

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            digest = hashlib.sha256()
            engine = "rjieba-0.2.2" if self.backend == "rjieba" else "jieba-0.42.1"
            digest.update(f"{engine}|{self.mode}|{self.hmm}|".encode())
            if self._user_dict is not None:
                digest.update(Path(self._user_dict).read_bytes())
            digest.update("\n".join(sorted(self._stopwords)).encode())
            digest.update("\n".join(self._extra_terms).encode())
            self._fingerprint = digest.hexdigest()[:16]
        return self._fingerprint

    def config(self) -> dict[str, Any]:
        """A JSON-able description (stored with a saved index)."""
        return {
            "kind": "jieba",
            "backend": self.backend,
            "mode": self.mode,
            "hmm": self.hmm,
            "user_dict": None if self._user_dict is None else str(self._user_dict),
            "extra_terms": list(self._extra_terms),
            "fingerprint": self.fingerprint,
        }

    # -- segmenter ---------------------------------------------------------------------------
    def _load_rjieba(self) -> Any:
        import rjieba

        seg = rjieba.Jieba()
        # jieba adds the frequency of a word given again (already in the main dictionary or
        # given twice) to the dictionary total without taking the old one off; jieba-rs
        # replaces it. A never-matching entry carries the difference, so that word
        # probabilities, and therefore segmentations, are the same as jieba's.
        pad = 0
        entries: list[tuple[str, int | None, str | None]] = []
        if self._user_dict is not None:
            entries = _user_dict_entries(self._user_dict)
        for word, freq, tag in entries:
            if seg.has_word(word):
                pad += max(int(seg.suggest_freq(word)) - 1, 0)
            seg.add_word(word, freq, tag)
        if pad:
            seg.add_word(_TOTAL_PAD_WORD, pad, None)
        for term in self._extra_terms:
            freq = int(seg.suggest_freq(term)) + 1
            if seg.has_word(term):
                pad += freq - 2
            seg.add_word(term, freq, None)
        if pad:
            seg.add_word(_TOTAL_PAD_WORD, pad, None)
        return seg

    def _load_jieba(self) -> Any:
        try:
            import jieba
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "ChineseTokenizer(backend='jieba') needs the jieba package: "
                "pip install jieba==0.42.1"
            ) from exc
        logger = logging.getLogger("jieba")
        level = logger.level
        logger.setLevel(logging.WARNING)
        try:
            tk = jieba.Tokenizer()
            tk.initialize()
            if self._user_dict is not None:
                tk.load_userdict(str(self._user_dict))
            for term in self._extra_terms:
                tk.add_word(term, int(tk.suggest_freq(term, tune=False)) + 1)
        finally:
            logger.setLevel(level)
        return tk

    def _tk(self) -> Any:
        if self._seg is not None:
            return self._seg
        with self._lock:
            if self._seg is None:
                self._seg = self._load_rjieba() if self.backend == "rjieba" else self._load_jieba()
        return self._seg

    def warm_up(self) -> None:
        """Load the segmenter's dictionaries now instead of on the first call."""
        self._tk()

    # -- tokenising --------------------------------------------------------------------------
    def _keep(self, term: str) -> str | None:
        return _keep_term(term, self._stopwords)

    def _words(self, norm: str) -> Iterable[str]:
        tk = self._tk()
        if self.backend == "rjieba":
            if self.mode == "search":
                return tk.cut_for_search(norm, self.hmm)  # type: ignore[no-any-return]
            return tk.cut(norm, self.hmm)  # type: ignore[no-any-return]
        if self.mode == "search":
            return tk.cut_for_search(norm, HMM=self.hmm)  # type: ignore[no-any-return]
        return tk.cut(norm, HMM=self.hmm)  # type: ignore[no-any-return]

    def tokenize_spans(self, text: str) -> list[Token]:
        """Tokens with their spans in ``normalize(text)``."""
        norm = normalize(text)
        if not norm:
            return []
        tk = self._tk()
        if self.backend == "rjieba":
            spans = tk.tokenize(norm, "search" if self.mode == "search" else "default", self.hmm)
        else:
            spans = tk.tokenize(
                norm, mode="search" if self.mode == "search" else "default", HMM=self.hmm
            )
        kept = self._kept
        out: list[Token] = []
        for word, start, end in spans:
            term = kept[word]
            if term:
                out.append(Token(term, int(start), int(end)))
        return out

    def tokenize(self, text: str) -> list[str]:
        """Tokens of ``text`` (normalised first), in order, stopwords removed."""
        norm = normalize(text)
        if not norm:
            return []
        return list(filter(None, map(self._kept.__getitem__, self._words(norm))))

    def tokenize_many(self, texts: Sequence[str]) -> list[list[str]]:
        return [self.tokenize(t) for t in texts]
