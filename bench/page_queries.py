"""SQL statements (and wall time) per view of the dashboard pages and the zone map, as a
province administrator, on the database of ``SHUANGGAO_DATABASE_URL`` (e.g. after ``make run``'s
reference + demo load). Each page is fetched once to warm up, then counted.

    SHUANGGAO_ENCODER=none .venv/bin/python bench/page_queries.py

The query-count budgets that keep these figures are in ``tests/web/test_dashboard_queries.py``
and ``tests/matches/test_pages.py``.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from shuanggao.actor import Actor, Role
from shuanggao.config import get_settings
from shuanggao.main import create_app
from shuanggao.pairings.models import Pairing
from shuanggao.web import deps
from shuanggao.zones.models import Zone


def main() -> None:
    app = create_app(get_settings())
    engine = app.state.engine
    with engine.connect() as conn:
        zone_id = conn.execute(select(func.min(Pairing.zone_id))).scalar()
        city = conn.execute(select(Zone.city).where(Zone.id == zone_id)).scalar()
    if zone_id is None:
        raise SystemExit("没有结对的高新区：请先载入参考数据与演示数据（make run）。")
    actor = Actor(role=Role.PROVINCE_ADMIN, username="bench")
    app.dependency_overrides[deps.get_actor] = lambda: actor
    count = [0]

    def counted(*_: Any) -> None:
        count[0] += 1

    event.listen(engine, "before_cursor_execute", counted)
    paths = [
        "/dashboard",
        "/dashboard/boards",
        f"/dashboard/zones/{zone_id}",
        f"/dashboard/cities/{city}",
        f"/zones/{zone_id}/map",
    ]
    with TestClient(app) as client:
        print(f"{'page':<36}{'queries':>8}{'ms':>8}")
        for path in paths:
            assert client.get(path).status_code == 200, path
            count[0] = 0
            start = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, path
            print(f"{path:<36}{count[0]:>8}{elapsed:>8.0f}")


if __name__ == "__main__":
    main()
