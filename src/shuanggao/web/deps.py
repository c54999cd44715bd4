"""Request dependencies: the unit of work and the acting principal.

``get_session`` is function-scoped, so the commit happens before the response is sent (a failed
commit becomes an error response, never a success that was not saved).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from shuanggao.accounts.actor import Actor
from shuanggao.db.session import session_scope
from shuanggao.errors import Unauthenticated

# Requests that may write; on SQLite their unit of work takes the write lock at its start.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _session(request: Request) -> Iterator[Session]:
    write = request.method in WRITE_METHODS
    with session_scope(request.app.state.session_factory, write=write) as session:
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
