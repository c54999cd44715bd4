"""Long operations started from a page (an import's check or write) run in a background thread.

The thread is the unit of work: it opens its own session from the app's factory and commits once
at the end (or rolls back). The page polls the task's progress and is sent on to the result when
it finishes. Tasks live in this process's memory: a restart forgets them (the import job itself
is stored, so nothing is lost but the progress bar).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session, sessionmaker
from starlette.background import BackgroundTask

from shuanggao.db.session import session_scope
from shuanggao.errors import AppError

log = logging.getLogger("shuanggao.web.tasks")

PHASE_LABELS = {
    "queued": "排队中",
    "read": "读取文件",
    "validate": "检查数据",
    "write": "写入数据",
    "done": "已完成",
}
# Finished tasks are forgotten after this many seconds.
KEEP_SECONDS = 3600

Progress = Callable[[str, int, int], None]
# The work: given a session and a progress callback, return the URL of the result page.
Work = Callable[[Session, Progress], str]


@dataclass
class TaskState:
    token: str
    owner: str
    title: str
    back_url: str
    # Which step of a multi-step page this task is (the import pages show steps 1–4).
    step: int = 0
    phase: str = "queued"
    done: int = 0
    total: int = 0
    finished: bool = False
    result_url: str | None = None
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS.get(self.phase, self.phase)

    @property
    def percent(self) -> int | None:
        """0–100 when the phase has a known total, else None (an indeterminate bar)."""
        if self.finished:
            return 100
        if self.total <= 0:
            return None
        return max(0, min(100, round(self.done * 100 / self.total)))


_TASKS: dict[str, TaskState] = {}
_LOCK = threading.Lock()


def _forget_old() -> None:
    now = time.monotonic()
    for token in [
        t for t, s in _TASKS.items() if s.ended is not None and now - s.ended > KEEP_SECONDS
    ]:
        del _TASKS[token]


def start(
    factory: sessionmaker[Session],
    *,
    owner: str,
    title: str,
    back_url: str,
    work: Work,
    step: int = 0,
) -> tuple[TaskState, BackgroundTask]:
    """Register a task; the returned ``BackgroundTask`` (attach it to the response) starts it.

    Starting after the response keeps the request's own unit of work closed before the task's
    begins, so the two never interleave on one connection.
    """
    state = TaskState(
        token=secrets.token_urlsafe(12), owner=owner, title=title, back_url=back_url, step=step
    )
    with _LOCK:
        _forget_old()
        _TASKS[state.token] = state

    def progress(phase: str, done: int, total: int) -> None:
        with _LOCK:
            state.phase, state.done, state.total = phase, done, total

    def run() -> None:
        try:
            # A task writes (an import): on SQLite it queues for the write lock at its start.
            with session_scope(factory, write=True) as session:
                url = work(session, progress)
            with _LOCK:
                state.result_url = url
        except AppError as exc:
            with _LOCK:
                state.error = exc.detail
        except Exception:
            request_id = secrets.token_hex(6)
            log.exception("background task failed, request_id=%s", request_id)
            with _LOCK:
                state.error = f"系统内部错误，请联系管理员（编号 {request_id}）。"
        finally:
            with _LOCK:
                state.finished = True
                state.phase = "done"
                state.ended = time.monotonic()

    def launch() -> None:
        threading.Thread(target=run, name=f"task-{state.token}", daemon=True).start()

    return state, BackgroundTask(launch)


def get(token: str, owner: str) -> TaskState | None:
    """A snapshot of the task, if it exists and belongs to ``owner``.

    A copy taken under the lock: the page decides (send on to the result, or show progress and
    keep polling) and renders from the same state. Reading the live object, a task that finished
    between the decision and the rendering gave a page that neither moved on nor polled.
    """
    with _LOCK:
        state = _TASKS.get(token)
        if state is None or state.owner != owner:
            return None
        return replace(state)


def wait(token: str, timeout: float = 30.0) -> TaskState | None:
    """Block until the task has finished (for tests and the CLI-like callers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _LOCK:
            state = _TASKS.get(token)
        if state is None or state.finished:
            return state
        time.sleep(0.02)
    return _TASKS.get(token)
