"""How many OpenMP threads a query embedding may use (``encoders.query_threads``): one per
core idle at that instant, one alone when the process already embeds a query or the machine's
state is unknown."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from shuanggao_matching import encoders
from shuanggao_matching.encoders import query_threads, runnable_now, threads_for_query


def test_idle_machine_gives_every_core() -> None:
    assert threads_for_query(cpus=2, runnable=1, embedding=1) == 2
    assert threads_for_query(cpus=8, runnable=1, embedding=1) == 8


def test_busy_cores_are_left_alone() -> None:
    assert threads_for_query(cpus=2, runnable=2, embedding=1) == 1
    assert threads_for_query(cpus=8, runnable=4, embedding=1) == 5
    assert threads_for_query(cpus=2, runnable=40, embedding=1) == 1


def test_one_thread_when_unknown_or_not_alone() -> None:
    assert threads_for_query(cpus=2, runnable=None, embedding=1) == 1
    assert threads_for_query(cpus=2, runnable=1, embedding=2) == 1
    assert threads_for_query(cpus=1, runnable=1, embedding=1) == 1


def _loadavg(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "loadavg"
    path.write_text(text, encoding="ascii")
    return path


def test_runnable_reads_the_fourth_field(tmp_path: Path) -> None:
    assert runnable_now(_loadavg(tmp_path, "0.39 0.84 0.57 1/162 13804\n")) == 1
    assert runnable_now(_loadavg(tmp_path, "5.10 4.00 3.00 7/300 1\n"), gap_s=0) == 7


def test_runnable_unreadable_is_none(tmp_path: Path) -> None:
    assert runnable_now(tmp_path / "missing") is None
    assert runnable_now(_loadavg(tmp_path, "garbage\n")) is None


def test_a_second_embedding_in_flight_runs_on_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoders, "runnable_now", lambda: 1)
    monkeypatch.setattr(encoders, "_usable_cpus", lambda: 2)
    inside, release = threading.Event(), threading.Event()
    seen: list[int] = []

    def first() -> None:
        with query_threads() as n:
            seen.append(n)
            inside.set()
            release.wait(10)

    t = threading.Thread(target=first)
    t.start()
    assert inside.wait(10)
    with query_threads() as n:
        second = n
    release.set()
    t.join(10)
    assert seen == [2]
    assert second == 1
    with query_threads() as n:  # the count went back down
        assert n == 2
