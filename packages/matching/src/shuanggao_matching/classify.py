"""Classification of a text onto label sets the caller passes in.

The application passes its own reference data: GB/T 4754 小类 or 战略性新兴产业 nodes (code, name,
说明 / 重点产品 text) for demands, 一级学科 (code, name, description) for supply. Optionally,
labelled example texts make the classifier much better (each label's profile then includes its
examples).

Scores: lexical = BM25 of the text against each label's profile (name ×3, description,
examples); dense = cosine of the text with each label's centroid (the mean of the embeddings of
"name: description" and of its examples); hybrid = z-scores of both over all labels, weighted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .fusion import normalize_scores
from .lexical import FieldWeights
from .matcher import Matcher
from .semantic import EmbeddingCache, Encoder, single_blas_thread
from .text import normalize, passage_text
from .tokenize import Tokenizer
from .types import Document, Method

__all__ = ["DEFAULT_LEXICAL_WEIGHT", "Classifier", "Label", "LabelScore"]

# Tuned on the FewCLUE CSLDCP dev split (routing data set): accuracy 0.616 at 0.1 against 0.608
# for dense alone (0.0) and 0.509 for lexical alone (1.0).
DEFAULT_LEXICAL_WEIGHT = 0.1


@dataclass(frozen=True, slots=True)
class Label:
    """A label to classify onto. ``requires``: words of which the text must contain at least
    one (after normalisation) for the label to be proposed at all, e.g. a 新能源汽车 chain node
    needs a vehicle word — similar products (储能装置) must not carry a stationary-storage need
    into a vehicle node. Empty: no condition."""

    code: str
    name: str
    description: str = ""
    requires: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LabelScore:
    code: str
    name: str
    score: float
    lexical: float | None
    dense: float | None


class Classifier:
    """Rank ``labels`` for a text. ``examples`` are ``(text, label code)`` pairs."""

    def __init__(
        self,
        labels: Sequence[Label],
        *,
        examples: Sequence[tuple[str, str]] = (),
        tokenizer: Tokenizer | None = None,
        encoder: Encoder | None = None,
        embedding_cache: EmbeddingCache | None = None,
        lexical_weight: float = DEFAULT_LEXICAL_WEIGHT,
        max_example_chars: int = 400,
    ) -> None:
        if not labels:
            raise ValueError("at least one label is needed")
        self.labels = list(labels)
        self.encoder = encoder
        self.lexical_weight = lexical_weight
        self.embedding_cache = embedding_cache if embedding_cache is not None else EmbeddingCache()
        known = {lab.code for lab in self.labels}
        by_label: dict[str, list[str]] = defaultdict(list)
        for text, code in examples:
            if code not in known:
                raise ValueError(f"example label {code!r} is not among the labels")
            by_label[code].append(text[:max_example_chars])
        self._lexical = Matcher(
            tokenizer=tokenizer,
            encoder=None,
            field_weights=FieldWeights(title=3, keywords=1, body=1),
        )
        self._lexical.add(
            Document(
                id=lab.code,
                title=lab.name,
                body="\n".join([lab.description, *by_label.get(lab.code, [])]),
            )
            for lab in self.labels
        )
        self._lexical.refresh()
        self._centroids: npt.NDArray[np.float32] | None = None
        self._by_label = by_label

    def _ensure_centroids(self) -> npt.NDArray[np.float32]:
        if self._centroids is not None:
            return self._centroids
        assert self.encoder is not None
        rows = []
        for lab in self.labels:
            texts = [passage_text(lab.name, (), lab.description)]
            texts += [passage_text("", (), t) for t in self._by_label.get(lab.code, [])]
            vecs = self.embedding_cache.encode_passages(self.encoder, texts)
            centroid = vecs.mean(axis=0)
            rows.append(centroid / max(float(np.linalg.norm(centroid)), 1e-9))
        self._centroids = np.asarray(rows, dtype=np.float32)
        return self._centroids

    def _allowed(self, text: str) -> list[bool]:
        """Per label: whether the text contains one of its ``requires`` words (or it has none)."""
        normalized = normalize(text).lower()
        return [
            not lab.requires or any(normalize(w).lower() in normalized for w in lab.requires)
            for lab in self.labels
        ]

    def lexical_index_bytes(self) -> int:
        """Bytes held by the lexical side (BM25 matrix and token bags of the label profiles)."""
        return self._lexical.stats().index_bytes

    def prepare(self) -> None:
        """Embed the label profiles now (otherwise done by the first dense classification)."""
        if self.encoder is not None:
            self._ensure_centroids()

    def _lexical_scores(self, text: str) -> npt.NDArray[np.float32]:
        res = self._lexical.search(text, top_k=len(self.labels), method="lexical", explain=False)
        order = {lab.code: i for i, lab in enumerate(self.labels)}
        out = np.zeros(len(self.labels), dtype=np.float32)
        for m in res.matches:
            out[order[m.id]] = m.score
        return out

    def _dense_scores(self, text: str) -> npt.NDArray[np.float32]:
        assert self.encoder is not None
        centroids = self._ensure_centroids()
        vec = self.embedding_cache.encode_passages(self.encoder, [passage_text("", (), text)])[0]
        with single_blas_thread():
            scores: npt.NDArray[np.float32] = (centroids @ vec).astype(np.float32)
        return scores

    def classify(
        self, text: str, *, top_k: int = 3, method: Method | None = None
    ) -> list[LabelScore]:
        """The ``top_k`` best labels for ``text``; ``method`` defaults to hybrid when an encoder
        is configured, else lexical. The text is embedded as a passage (it is a document, not a
        search query), so a supply item already embedded for matching is not embedded again."""
        chosen: Method = method or ("hybrid" if self.encoder is not None else "lexical")
        if chosen != "lexical" and self.encoder is None:
            raise ValueError(f"method {chosen!r} needs an encoder")
        lex = self._lexical_scores(text) if chosen != "dense" else None
        den = self._dense_scores(text) if chosen != "lexical" else None
        if chosen == "lexical":
            assert lex is not None
            score = lex
        elif chosen == "dense":
            assert den is not None
            score = den
        else:
            assert lex is not None and den is not None
            score = self.lexical_weight * normalize_scores(lex, "zscore") + (
                1.0 - self.lexical_weight
            ) * normalize_scores(den, "zscore")
        allowed = self._allowed(text)
        order = [i for i in np.argsort(-score, kind="stable") if allowed[i]][:top_k]
        return [
            LabelScore(
                code=self.labels[i].code,
                name=self.labels[i].name,
                score=float(score[i]),
                lexical=None if lex is None else float(lex[i]),
                dense=None if den is None else float(den[i]),
            )
            for i in order
        ]
