"""Request dependencies: the unit of work, the acting principal and the submitted form.

``get_session`` is function-scoped, so the commit happens before the response is sent (a failed
commit becomes an error response, never a success that was not saved).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.db.session import session_scope
from shuanggao.errors import Unauthenticated
from shuanggao.kit import jobs

# Requests that may write; on SQLite their unit of work takes the write lock at its start.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _session(request: Request) -> Iterator[Session]:
    factory = request.app.state.session_factory
    write = request.method in WRITE_METHODS
    with session_scope(factory, write=write) as session:
        # What work queued for after the commit needs (``kit.jobs``).
        session.info[jobs.FACTORY] = factory
        session.info[jobs.SETTINGS] = request.app.state.settings
        yield session


get_session = Depends(_session, scope="function")
SessionDep = Annotated[Session, get_session]


def _actor(request: Request) -> Actor:
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
