"""Register lists: search, filters, sorting, paging, htmx partials, exports and query budgets."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from tests import factories
from tests.conftest import ClientFor


def linked_titles(html: str, name: str) -> list[str]:
    return re.findall(rf'<td><a href="/r/{name}/\d+">([^<]+)</a>', html)


def make_zones(session: Session) -> None:
    factories.create_zone(session, name="甲高新区", city="南京市", level="national")
    factories.create_zone(session, name="乙高新区", city="苏州市", level="provincial")
    factories.create_zone(session, name="丙高新区", city="南京市", level="provincial")


def test_search_filter_and_sort(session: Session, client_for: ClientFor, province: Actor) -> None:
    make_zones(session)
    client = client_for(province)
    response = client.get("/r/zones", params={"city": "南京市", "sort": "-name"})
    assert linked_titles(response.text, "zones") == ["甲高新区", "丙高新区"]
    assert "共 2 条" in response.text
    response = client.get("/r/zones", params={"q": "乙"})
    assert linked_titles(response.text, "zones") == ["乙高新区"]
    response = client.get("/r/zones", params={"level": "省级", "city": "南京市"})
    assert linked_titles(response.text, "zones") == ["丙高新区"]
    # The filter controls show the cities that exist, with the chosen one selected.
    assert '<option value="南京市" selected>南京市</option>' in response.text


def test_htmx_request_gets_only_the_table(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    make_zones(session)
    response = client_for(province).get(
        "/r/zones",
        params={"city": "苏州市"},
        headers={"HX-Request": "true", "HX-Target": "table-region"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="table-region"')
    assert "<html" not in response.text
    assert linked_titles(response.text, "zones") == ["乙高新区"]
    # The export links in the table region follow the filters.
    assert 'href="/r/zones/export.csv?city=%E8%8B%8F%E5%B7%9E%E5%B8%82"' in response.text


def test_paging(session: Session, client_for: ClientFor, province: Actor) -> None:
    for n in range(25):
        factories.create_zone(session, name=f"分页高新区{n:02d}", city="盐城市")
    client = client_for(province)
    response = client.get("/r/zones", params={"city": "盐城市", "sort": "name", "page_size": "20"})
    assert len(linked_titles(response.text, "zones")) == 20
    response = client.get(
        "/r/zones", params={"city": "盐城市", "sort": "name", "page_size": "20", "page": "2"}
    )
    assert linked_titles(response.text, "zones") == [f"分页高新区{n:02d}" for n in range(20, 25)]


def test_empty_states(session: Session, client_for: ClientFor, province: Actor) -> None:
    client = client_for(province)
    response = client.get("/r/zones", params={"q": "不存在的名字"})
    assert "没有符合条件的高新区" in response.text
    response = client.get("/r/projects")
    assert "还没有合作研发项目记录" in response.text or linked_titles(response.text, "projects")


def test_bad_filter_value_is_reported_not_a_500(client_for: ClientFor, province: Actor) -> None:
    response = client_for(province).get("/r/enterprises", params={"zone_id": "abc"})
    assert response.status_code == 200
    assert "以下筛选条件无效，已忽略：高新区" in response.text


def test_export_uses_the_current_filters(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    make_zones(session)
    response = client_for(province).get("/r/zones/export.csv", params={"city": "南京市"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = sorted(r[0] for r in rows[1:])
    assert rows[0][0] == "高新区简称"
    assert "甲高新区" in names and "丙高新区" in names and "乙高新区" not in names


def test_unauthenticated_pages_redirect_to_login(app: FastAPI) -> None:
    with TestClient(app) as client:
        response = client.get("/r/zones?city=南京市", follow_redirects=False)
        assert response.status_code == 303
        location = urlsplit(response.headers["location"])
        assert location.path == "/login"
        assert parse_qs(location.query)["next"] == ["/r/zones?city=%E5%8D%97%E4%BA%AC%E5%B8%82"]
        response = client.get("/r/zones", headers={"HX-Request": "true"}, follow_redirects=False)
        assert response.status_code == 204
        assert response.headers["HX-Redirect"].startswith("/login")
        # The API still answers JSON.
        response = client.get("/api/v1/zones")
        assert response.status_code == 401
        assert response.json()["error"] == "unauthenticated"


def _budget(
    client: TestClient, count_queries: Callable[[], Any], path: str, params: dict[str, str]
) -> int:
    with count_queries() as counter:
        response = client.get(path, params=params)
    assert response.status_code == 200
    return int(counter.count)


def counter_dump(client: TestClient, count_queries: Callable[[], Any], name: str) -> str:
    with count_queries() as counter:
        client.get(f"/r/{name}")
    return "\n".join(" ".join(s.split())[:200] for s in counter.statements)


def test_list_pages_keep_a_query_budget(
    session: Session,
    client_for: ClientFor,
    province: Actor,
    count_queries: Callable[[], Any],
) -> None:
    zone = factories.create_zone(session)
    university = factories.create_university(session)
    for _ in range(3):
        factories.create_pairing(session)
    for _ in range(50):
        enterprise = factories.create_enterprise(session, zone=zone)
        factories.create_enterprise_service(session, enterprise=enterprise, university=university)
    client = client_for(province)
    htmx = {"HX-Request": "true", "HX-Target": "table-region"}
    for name in ("zones", "enterprises", "enterprise_services", "pairings"):
        small = _budget(client, count_queries, f"/r/{name}", {"page_size": "20"})
        full = _budget(client, count_queries, f"/r/{name}", {"page_size": "50"})
        # No query per row: a 50-row page costs what a 20-row page does.
        assert full == small, name
        assert full <= 10, (name, full, counter_dump(client, count_queries, name))
        with count_queries() as counter:
            response = client.get(f"/r/{name}", params={"page_size": "50"}, headers=htmx)
        assert response.status_code == 200
        assert counter.count <= 6, (name, counter.count)


def test_every_column_shows_its_own_value_and_the_title_links_the_record(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    from shuanggao.kit.register import get_register
    from shuanggao.pairings.refs import pairing_label
    from shuanggao.web.routes import PAGE_HOOKS
    from shuanggao.web.views import list_specs

    pairing = factories.create_pairing(session)
    element = factories.create_pilot_element(session, pairing, title="集成电路联合实验室")
    session.refresh(pairing, ["zone"])
    specs = list_specs(get_register("pilot_elements"), PAGE_HOOKS)
    assert specs[0].field == "pairing_id"  # the title is a later column
    page = client_for(province).get("/r/pilot_elements").text
    row = re.search(rf'<tr>\s*(.*?href="/r/pilot_elements/{element.id}".*?)</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    texts = [re.sub(r"<[^>]+>", "", c).strip() for c in cells]
    assert texts[0] == pairing_label(pairing)
    title_at = [s.field for s in specs].index("title")
    assert texts[title_at] == "集成电路联合实验室"
    assert f'<a href="/r/pilot_elements/{element.id}">集成电路联合实验室</a>' in cells[title_at]
