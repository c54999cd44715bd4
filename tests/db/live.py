"""A real ``shuanggao serve`` process on a loopback port over a committed, migrated database.

The concurrency and shutdown tests need what the rolled-back test transaction cannot give:
several connections racing for the same rows. The world is committed through the factories,
clients sign in with API tokens, and the database is read back directly to check the answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from shuanggao import domains
from shuanggao.accounts import service as accounts
from shuanggao.actor import Role
from shuanggao.cli._server import ServerProcess, running_server, server_env
from shuanggao.db.session import build_engine
from tests.dbs import fresh_database
from tests.factories import create_demand, create_enterprise, create_user, create_zone
from tests.harness import TEST_SECRET_KEY


@dataclass
class Live:
    server: ServerProcess
    engine: Engine
    token: str
    zone_id: int
    enterprise_id: int
    demand_ids: list[int] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=60.0,
        )


@contextmanager
def live_server(tmp: Path, *, demands: int = 4) -> Iterator[Live]:
    domains.load()
    with fresh_database(tmp) as db_url:
        engine = build_engine(db_url)
        try:
            with Session(engine) as session:
                zone = create_zone(session)
                enterprise = create_enterprise(session, zone)
                ids = [create_demand(session, enterprise).id for _ in range(demands)]
                admin = create_user(session, Role.PROVINCE_ADMIN, is_demo=True)
                _, token = accounts.create_api_token(session, admin, "并发测试", None, ip=None)
                zone_id, enterprise_id = zone.id, enterprise.id
                session.commit()
            env = server_env(
                db_url,
                tmp / "var",
                {"SHUANGGAO_SECRET_KEY": TEST_SECRET_KEY, "SHUANGGAO_ENCODER": "none"},
            )
            with running_server(env, tmp / "server.log") as server:
                yield Live(server, engine, token, zone_id, enterprise_id, ids)
        finally:
            engine.dispose()


def row(engine: Engine, model: Any, obj_id: int) -> Any:
    with Session(engine) as session:
        return session.get(model, obj_id)
