"""Saving and loading a :class:`~shuanggao_matching.matcher.Matcher` (the file layout is in
the package README, "Persistence")."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .dense import DenseIndex
from .embedding_cache import EmbeddingCache, content_hash
from .encoders import Encoder
from .fusion import FusionConfig
from .lexical import FieldWeights, Vocabulary
from .text import DEFAULT_MAX_QUERY_CHARS
from .tokenize import ChineseTokenizer, Tokenizer
from .types import Document

if TYPE_CHECKING:
    from collections.abc import Callable

    from .matcher import Matcher

    Progress = Callable[[int], None]

__all__ = ["FORMAT_VERSION", "read_index", "write_index"]

FORMAT_VERSION = 1


def write_index(self: Matcher, directory: str | os.PathLike[str]) -> None:
    """Write ``self`` to ``directory`` (created if needed; files are replaced)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    self._ensure_lexical()
    tokenizer_config = (
        self.tokenizer.config() if isinstance(self.tokenizer, ChineseTokenizer) else {}
    )
    manifest = {
        "format": FORMAT_VERSION,
        "library": "shuanggao-matching",
        "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "documents": len(self._pos),
        "positions": len(self._docs),
        "tokenizer_fingerprint": self.tokenizer.fingerprint,
        "tokenizer": tokenizer_config,
        "encoder": self._dense_model,
        "dense_dim": None if self._dense is None else self._dense.dim,
        "field_weights": asdict(self.field_weights),
        "fusion": self.fusion.to_dict(),
        "bm25": {
            "k1": self._bm25.k1,
            "b": self._bm25.b,
            "method": self._bm25.method,
            "dtype": str(self._bm25.dtype),
        },
        "graph_threshold": self.graph_threshold,
        "max_passage_chars": self.max_passage_chars,
        "max_query_chars": self.max_query_chars,
    }
    with (out / "documents.jsonl").open("w", encoding="utf-8") as fh:
        for doc in self._docs:
            fh.write(
                ("null" if doc is None else json.dumps(doc.to_dict(), ensure_ascii=False)) + "\n"
            )
    (out / "vocabulary.json").write_text(
        json.dumps(self._vocab.terms, ensure_ascii=False), encoding="utf-8"
    )
    lengths = np.asarray([-1 if t is None else len(t) for t in self._tokens], dtype=np.int64)
    flat = (
        np.concatenate([t for t in self._tokens if t is not None])
        if any(t is not None for t in self._tokens)
        else np.zeros(0, dtype=np.uint32)
    )
    np.savez(out / "tokens.npz", lengths=lengths, flat=flat.astype(np.uint32))
    np.savez(out / "bm25.npz", **self._bm25.state())
    (out / "hashes.json").write_text(json.dumps(self._hashes), encoding="utf-8")
    if self._dense is not None:
        self._dense.save(out)
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )


def read_index(
    cls: type[Matcher],
    directory: str | os.PathLike[str],
    *,
    encoder: Encoder | None = None,
    tokenizer: Tokenizer | None = None,
    embedding_cache: EmbeddingCache | None = None,
    progress: Progress | None = None,
) -> Matcher:
    """The matcher saved in ``directory`` by :func:`write_index` (see ``Matcher.load``)."""
    src = Path(directory)
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT_VERSION:
        raise ValueError(f"unsupported index format {manifest.get('format')!r} in {src}")
    matcher = cls(
        tokenizer=tokenizer,
        encoder=encoder,
        field_weights=FieldWeights(**manifest["field_weights"]),
        fusion=FusionConfig.from_dict(manifest["fusion"]),
        bm25_k1=manifest["bm25"]["k1"],
        bm25_b=manifest["bm25"]["b"],
        bm25_dtype=manifest["bm25"].get("dtype", "float32"),
        graph_threshold=manifest["graph_threshold"],
        embedding_cache=embedding_cache,
        max_passage_chars=manifest["max_passage_chars"],
        # Indexes saved before the setting existed read queries as the library does now.
        max_query_chars=manifest.get("max_query_chars", DEFAULT_MAX_QUERY_CHARS),
    )
    docs: list[Document | None] = []
    with (src / "documents.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            data = json.loads(line)
            docs.append(None if data is None else Document.from_dict(data))
    matcher._docs = docs
    matcher._pos = {d.id: i for i, d in enumerate(docs) if d is not None}
    matcher._hashes = json.loads((src / "hashes.json").read_text(encoding="utf-8"))
    same_tokenizer = matcher.tokenizer.fingerprint == manifest["tokenizer_fingerprint"]
    if same_tokenizer:
        matcher._vocab = Vocabulary(
            json.loads((src / "vocabulary.json").read_text(encoding="utf-8"))
        )
        with np.load(src / "tokens.npz") as tok:
            lengths = tok["lengths"]
            flat = tok["flat"]
        tokens: list[npt.NDArray[np.uint32] | None] = []
        offset = 0
        for n in lengths.tolist():
            if n < 0:
                tokens.append(None)
            else:
                tokens.append(np.array(flat[offset : offset + n], dtype=np.uint32))
                offset += n
        matcher._tokens = tokens
        with np.load(src / "bm25.npz") as state:
            matcher._bm25.restore({k: state[k] for k in state.files})
        matcher._lex_dirty = False
    else:
        matcher._tokens = [None] * len(docs)
        live = [d for d in docs if d is not None]
        bags = [
            bag
            for chunk in matcher._tokenize_docs(live, 1)
            for bag in matcher._vocab.encode_chunk(chunk)
        ]
        for doc, bag in zip(live, bags, strict=True):
            matcher._tokens[matcher._pos[doc.id]] = bag
        matcher._lex_dirty = True
    saved_model = manifest.get("encoder")
    if encoder is not None:
        if saved_model == encoder.model_id and (src / "dense_alive.npy").exists():
            matcher._dense = DenseIndex.load(
                src, manifest["dense_dim"], graph_threshold=manifest["graph_threshold"]
            )
            matcher._dense_model = saved_model
        else:
            live_pos = [i for i, d in enumerate(docs) if d is not None]
            matcher._hashes = [None] * len(docs)
            texts = [matcher._passage(docs[i]) for i in live_pos]  # type: ignore[arg-type]
            if live_pos:
                matcher._embed_and_store(
                    live_pos, texts, [content_hash(t) for t in texts], progress, 64
                )
    elif saved_model is not None:
        matcher._note = (
            f"lexical only: the index has {saved_model} vectors but no encoder was given"
        )
    return matcher
