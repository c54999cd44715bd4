"""The reference registers and endpoints, through the API, on the loaded reference data."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.reference.models import Industry

ClientFor = Callable[[Actor], TestClient]
PROVINCE = Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="province")
STUDENT = Actor(role=Role.STUDENT, user_id=7, username="student", university_id=1)


def test_industry_register_search_finds_lithium_battery(reference_client_for: ClientFor) -> None:
    client = reference_client_for(STUDENT)
    resp = client.get("/api/v1/industries", params={"q": "锂电池", "level": "class"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["total"] == 5
    assert [i["code"] for i in body["items"]] == ["2921", "3251", "3563", "3841", "3985"]
    battery = body["items"][3]
    assert (battery["full_code"], battery["name"], battery["level"]) == (
        "C3841",
        "锂离子电池制造",
        "class",
    )


def test_picker_search_ranks_and_filters(reference_client_for: ClientFor) -> None:
    client = reference_client_for(STUDENT)
    resp = client.get("/api/v1/industries/search", params={"q": "锂电池", "limit": 2})
    assert resp.status_code == 200, resp.text
    assert [i["full_code"] for i in resp.json()] == ["C3841", "C2921"]
    resp = client.get("/api/v1/industries/search", params={"q": "电池", "level": "中类"})
    assert [i["code"] for i in resp.json()] == ["384"]
    resp = client.get("/api/v1/industries/search", params={"q": "电池", "level": "细类"})
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"level"}
    resp = client.get("/api/v1/industries/search", params={"q": ""})
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"q"}


def test_industry_by_code_with_path(reference_client_for: ClientFor) -> None:
    client = reference_client_for(STUDENT)
    resp = client.get("/api/v1/industries/by-code/C3841")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert [(p["full_code"], p["level"]) for p in body["path"]] == [
        ("C", "section"),
        ("C38", "division"),
        ("C384", "group"),
        ("C3841", "class"),
    ]
    assert body["is_strategic"] is True
    assert client.get("/api/v1/industries/by-code/A3841").json()["error"] == "not_found"
    assert client.get("/api/v1/industries/by-code/9999").status_code == 404


def test_code_checks(reference_client_for: ClientFor) -> None:
    client = reference_client_for(STUDENT)
    resp = client.get("/api/v1/industries/check", params=[("codes", "C3841"), ("codes", "Z1")])
    assert resp.json() == {"known": ["C3841"], "unknown": ["Z1"]}
    resp = client.get("/api/v1/disciplines/check", params=[("codes", "0812"), ("codes", "0899")])
    assert resp.json() == {"known": ["0812"], "unknown": ["0899"]}


def test_discipline_register(reference_client_for: ClientFor) -> None:
    client = reference_client_for(STUDENT)
    body = client.get("/api/v1/disciplines", params={"kind": "academic"}).json()
    assert body["total"] == 117
    body = client.get("/api/v1/disciplines", params={"parent_code": "08", "q": "工程"}).json()
    assert body["total"] == 26
    cs = client.get("/api/v1/disciplines/by-code/0812").json()
    assert (cs["name"], cs["kind"], cs["parent_code"]) == ("计算机科学与技术", "academic", "08")


def test_universities_default_to_jiangsu_by_filter(reference_client_for: ClientFor) -> None:
    client = reference_client_for(STUDENT)
    assert client.get("/api/v1/universities").json()["total"] == 2919
    assert client.get("/api/v1/universities", params={"province": "江苏省"}).json()["total"] == 175


def test_reference_registers_are_read_only_even_for_the_province(
    reference_client_for: ClientFor, reference_session: Session
) -> None:
    client = reference_client_for(PROVINCE)
    node = client.get("/api/v1/industries/by-code/C3841").json()
    resp = client.patch(
        f"/api/v1/industries/{node['id']}", json={"name": "电池", "version": node["version"]}
    )
    assert resp.status_code == 403
    assert resp.json()["error"] == "forbidden"
    resp = client.delete(f"/api/v1/industries/{node['id']}")
    assert resp.status_code == 403
    resp = client.post(
        "/api/v1/disciplines", json={"code": "0899", "name": "新学科", "kind": "academic"}
    )
    assert resp.status_code == 403
    stored = reference_session.scalars(select(Industry).where(Industry.code == "3841")).one()
    assert (stored.name, stored.version) == ("锂离子电池制造", 1)
    assert reference_session.scalar(select(func.count()).select_from(Industry)) == 1972
