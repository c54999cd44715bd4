"""Work queued by a service to run after its transaction commits, in the background.

A service calls ``after_commit(session, job)``; when the session's transaction commits, each
queued job runs in a thread with its own unit of work (``db.session.session_scope``) from the
request's session factory (put on the session by ``web.deps``) and commits once; a rollback
drops them. A job's unit of work takes the writer queue at its start (``session_scope(...,
write=True)``), unless it is queued with ``write=False``: then it computes first (an index
build, a search) holding no writer, and takes the writer queue itself (``db.session.
take_writer``) just before it writes, so on SQLite the pages and API calls it runs beside are
not answered 503 meanwhile.
A session without a factory (CLI, imports) runs no jobs: ``after_commit`` returns False and the
caller decides. Jobs are best effort (a failure is logged): what they compute can always be
computed again.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from shuanggao.db.session import session_scope

log = logging.getLogger("shuanggao.kit.jobs")

Job = Callable[[Session], None]
# A runner starts a job: by default in a daemon thread (tests may run them inline).
Runner = Callable[[Callable[[], None]], None]

# session.info keys.
FACTORY = "shuanggao.session_factory"
SETTINGS = "shuanggao.settings"
_QUEUE = "shuanggao.after_commit"

_THREADS: set[threading.Thread] = set()
_LOCK = threading.Lock()


def _in_thread(work: Callable[[], None]) -> None:
    def run() -> None:
        try:
            work()
        finally:
            with _LOCK:
                _THREADS.discard(threading.current_thread())

    thread = threading.Thread(target=run, name="after-commit-job", daemon=True)
    with _LOCK:
        _THREADS.add(thread)
    thread.start()


_runner: Runner = _in_thread


def set_runner(runner: Runner | None) -> None:
    """Replace how jobs are started (None: back to threads)."""
    global _runner
    _runner = runner if runner is not None else _in_thread


def wait_idle(timeout: float = 30.0) -> bool:
    """Wait for the running jobs to finish (tests, shutdown). True when none is left."""
    with _LOCK:
        threads = list(_THREADS)
    for thread in threads:
        thread.join(timeout)
    with _LOCK:
        return not _THREADS


def after_commit(session: Session, job: Job, *, write: bool = True) -> bool:
    """Queue ``job`` to run once ``session`` commits. False when the session has no factory to
    run it with (nothing is queued)."""
    if session.info.get(FACTORY) is None:
        return False
    session.info.setdefault(_QUEUE, []).append((job, write))
    return True


def _run(factory: sessionmaker[Session], job: Job, write: bool = True) -> None:
    """One job, one unit of work through the same writer queue as requests and imports (on
    SQLite: the process's writer lock and ``BEGIN IMMEDIATE``), taken at the start or, for a
    job queued with ``write=False``, by the job itself before it writes; so a job never meets
    "database is locked" half-way through."""
    try:
        with session_scope(factory, write=write) as session:
            job(session)
    except Exception:
        log.exception("after-commit job failed")


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    jobs: list[tuple[Job, bool]] = session.info.pop(_QUEUE, [])
    factory: sessionmaker[Session] | None = session.info.get(FACTORY)
    if factory is None or not jobs:
        return
    if _runner is _in_thread and not isinstance(factory.kw.get("bind"), Engine):
        # Sessions bound to one connection (the tests' rolled-back transaction) cannot lend it
        # to another thread; such callers run jobs with their own runner (``set_runner``).
        log.debug("after-commit jobs skipped: the session factory is bound to one connection")
        return
    for job, write in jobs:
        _runner(functools.partial(_run, factory, job, write))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_QUEUE, None)
