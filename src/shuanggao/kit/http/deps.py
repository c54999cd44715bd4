"""Request dependencies: the unit of work, the acting principal and the submitted form.

``get_session`` is function-scoped, so the commit happens before the response is sent (a failed
commit becomes an error response, never a success that was not saved).

Thread-pool hops. A sync generator dependency runs its enter and its exit as two thread-pool
calls, a sync endpoint a third, and its response model is validated in a fourth. An async
endpoint whose whole work is one service call runs it with ``in_unit_of_work`` instead: the
same unit of work (``session_scope``, the write lock for unsafe methods, the jobs' factory and
settings on the session, commit before the response) in one thread-pool call. ``get_actor`` is
async: it only reads what the accounts middleware put on the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.db.session import session_scope
from shuanggao.errors import Unauthenticated
from shuanggao.kit import jobs

# Requests that may write; on SQLite their unit of work takes the write lock at its start.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

T = TypeVar("T")


@contextmanager
def _unit(factory: sessionmaker[Session], settings: Settings, write: bool) -> Iterator[Session]:
    with session_scope(factory, write=write) as session:
        # What work queued for after the commit needs (``kit.jobs``).
        session.info[jobs.FACTORY] = factory
        session.info[jobs.SETTINGS] = settings
        yield session


def _session(request: Request) -> Iterator[Session]:
    state = request.app.state
    with _unit(state.session_factory, state.settings, request.method in WRITE_METHODS) as session:
        yield session


get_session = Depends(_session, scope="function")
SessionDep = Annotated[Session, get_session]


def _run_unit(
    factory: sessionmaker[Session], settings: Settings, write: bool, work: Callable[[Session], T]
) -> T:
    with _unit(factory, settings, write) as session:
        return work(session)


async def in_unit_of_work(request: Request, work: Callable[[Session], T]) -> T:
    """``work(session)`` in the request's unit of work, in one thread-pool call: open, work,
    commit (before the response, as ``get_session``), close; rolled back when ``work`` raises."""
    state = request.app.state
    write = request.method in WRITE_METHODS
    return await run_in_threadpool(_run_unit, state.session_factory, state.settings, write, work)


async def _actor(request: Request) -> Actor:
    """The signed-in principal, put on ``request.state`` by the accounts middleware."""
    actor: Actor | None = getattr(request.state, "actor", None)
    if actor is None:
        raise Unauthenticated()
    return actor


ActorDep = Annotated[Actor, Depends(_actor)]
get_actor = _actor


async def form_data(request: Request) -> dict[str, str | list[str]]:
    """The submitted form as ``{name: value}`` (a list where a name repeats)."""
    form = await request.form()
    data: dict[str, str | list[str]] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        data[key] = values if len(values) > 1 else (values[0] if values else "")
    return data


FormDep = Annotated[dict[str, str | list[str]], Depends(form_data)]
