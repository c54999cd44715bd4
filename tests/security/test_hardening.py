"""Small hardening checks found by the API fuzzing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shuanggao.actor import Actor, Role
from tests.conftest import ClientFor


def test_ids_beyond_the_integer_range_answer_404(admin_client: TestClient) -> None:
    for url in ("/api/v1/users/99999999999999999999", "/api/v1/users/3000000000"):
        resp = admin_client.get(url)
        assert resp.status_code == 404, resp.text
        assert resp.json()["error"] == "not_found"


def test_audit_xlsx_export_drops_control_characters(client_for: ClientFor) -> None:
    auditor = Actor(role=Role.AUDITOR, user_id=5, username="审计\x13员\x00")
    client = client_for(auditor)
    client.get("/api/v1/audit")
    resp = client.get("/api/v1/audit/export", params={"format": "xlsx"})
    assert resp.status_code == 200
    again = client.get("/api/v1/audit/export", params={"format": "xlsx"})
    assert again.status_code == 200 and again.content[:2] == b"PK"
