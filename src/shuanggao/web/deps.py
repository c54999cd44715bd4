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
from shuanggao.kit import jobs


def _session(request: Request) -> Iterator[Session]:
    factory = request.app.state.session_factory
    with session_scope(factory) as session:
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
