"""Tokenising a large batch in several processes: this one and ``n_jobs - 1`` forked workers
claim chunks of 256 items from a shared counter (a busy core slows nobody down) and send back
each chunk's :class:`~shuanggao_matching.lexical.CountsChunk`; the items reach the workers
through the memory shared at fork."""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Iterator
from typing import Any

from .lexical import CountsChunk, FieldWeights, count_chunk
from .tokenize import Tokenizer

__all__ = ["CHUNK", "Item", "parallel_counts"]

CHUNK = 256
Item = tuple[str, tuple[str, ...], str]


def _claim(counter: Any) -> int:
    with counter.get_lock():
        i = int(counter.value)
        counter.value = i + 1
    return i


def _count_loop(
    tokenizer: Tokenizer,
    weights: FieldWeights,
    items: list[Item],
    spans: list[tuple[int, int]],
    counter: Any,
    out: Any,
) -> None:
    """A forked worker: count the chunks it claims until none is left."""
    try:
        while (i := _claim(counter)) < len(spans):
            a, b = spans[i]
            out.put((i, count_chunk(tokenizer, items[a:b], weights)))
    except BaseException as exc:  # reported to the parent, which raises it
        out.put((-1, f"{type(exc).__name__}: {exc}"))


def parallel_counts(
    tokenizer: Tokenizer, weights: FieldWeights, items: list[Item], n_jobs: int
) -> Iterator[CountsChunk]:
    """The :class:`CountsChunk` of every 256 items, in order, counted by this process and
    ``n_jobs - 1`` forked workers, which claim chunks from a shared counter (so a busy core
    slows nobody down). The items reach the workers through the memory shared at fork."""
    spans = [(i, min(i + CHUNK, len(items))) for i in range(0, len(items), CHUNK)]
    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("q", 0)
    out = ctx.Queue()
    procs = [
        ctx.Process(
            target=_count_loop,
            args=(tokenizer, weights, items, spans, counter, out),
            daemon=True,
        )
        for _ in range(n_jobs - 1)
    ]
    for proc in procs:
        proc.start()
    done: dict[int, CountsChunk] = {}

    def receive(block: bool) -> None:
        while True:
            try:
                i, chunk = out.get(block=block, timeout=1.0 if block else None)
            except queue.Empty:
                if block and not any(p.is_alive() for p in procs):
                    raise RuntimeError("a tokenizer worker died") from None
                return
            if i < 0:
                raise RuntimeError(f"a tokenizer worker failed: {chunk}")
            done[i] = chunk
            block = False

    try:
        for nxt in range(len(spans)):
            while nxt not in done:
                receive(block=False)
                if nxt in done:
                    break
                i = _claim(counter)
                if i < len(spans):
                    a, b = spans[i]
                    done[i] = count_chunk(tokenizer, items[a:b], weights)
                else:
                    receive(block=True)
            yield done.pop(nxt)
        for proc in procs:
            proc.join()
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
                proc.join()
