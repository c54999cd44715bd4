"""List and detail APIs of the R1 registers run a fixed number of queries, however many rows
(relationships are ``lazy="raise"`` and eager-loaded by ``Register.load_options``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from tests.factories import (
    create_enterprise,
    create_enterprise_service,
    create_pairing,
    create_pilot_element,
    create_platform,
    create_project,
    create_university,
    create_zone,
)


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def add_rows(session: Session, n: int) -> None:
    for _ in range(n):
        zone = create_zone(session)
        unis = [create_university(session), create_university(session)]
        pairing = create_pairing(session, zone=zone, universities=unis)
        create_pilot_element(session, pairing)
        ents = [create_enterprise(session, zone=zone), create_enterprise(session, zone=zone)]
        create_enterprise_service(session, ents[0], unis[0], pairing_id=pairing.id)
        create_project(
            session, zone=zone, university=unis[0], enterprises=ents, pairing_id=pairing.id
        )
        create_platform(session, zone=zone, universities=unis, pairing_id=pairing.id)


PATHS = [
    "/api/v1/pairings",
    "/api/v1/pilot_elements",
    "/api/v1/enterprises",
    "/api/v1/enterprise_services",
    "/api/v1/projects",
    "/api/v1/platforms",
]


def test_list_queries_do_not_grow_with_rows(
    admin_client: TestClient, session: Session, engine: Engine
) -> None:
    add_rows(session, 2)
    small: dict[str, int] = {}
    for path in PATHS:
        with counting(engine) as statements:
            assert admin_client.get(path).status_code == 200
        small[path] = len(statements)
    add_rows(session, 6)
    for path in PATHS:
        with counting(engine) as statements:
            body = admin_client.get(path).json()
        assert body["total"] == (16 if path == "/api/v1/enterprises" else 8), path
        assert len(statements) == small[path], (path, statements)
        assert len(statements) <= 12, (path, len(statements))
