"""Every text a user sends is checked the same way (lone surrogates, NUL, length), and request
bodies are capped: through the API, as clients send them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.config import Settings
from shuanggao.kit.register import all_registers
from shuanggao.kit.validation import SURROGATE_MESSAGE, TEXT_MAX_LENGTH, field_errors
from shuanggao.zones.models import Zone
from tests.factories import create_zone

LONE_SURROGATE = "\ud800"
ZONE = {"name": "文本校验区", "level": "national", "city": "南京市"}


def raw_json(client: TestClient, method: str, url: str, body: dict[str, Any]) -> Any:
    # ``json.dumps`` writes a lone surrogate as the escape "\ud800", as a browser or script would.
    return client.request(
        method, url, content=json.dumps(body), headers={"content-type": "application/json"}
    )


def zone_count(session: Session) -> int:
    return int(session.scalar(select(func.count(Zone.id))) or 0)


@pytest.mark.parametrize("field", ["name", "city", "note", "leading_industries"])
def test_lone_surrogate_in_any_text_field_is_a_field_error(
    admin_client: TestClient, session: Session, field: str
) -> None:
    before = zone_count(session)
    body = {**ZONE, field: ZONE.get(field, "") + "文本" + LONE_SURROGATE}
    resp = raw_json(admin_client, "POST", "/api/v1/zones", body)
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"] == "validation_error"
    assert resp.json()["fields"] == {field: SURROGATE_MESSAGE}
    assert zone_count(session) == before


def test_lone_surrogate_in_a_list_and_on_update(admin_client: TestClient, session: Session) -> None:
    zone = create_zone(session, note="原备注")
    resp = raw_json(
        admin_client, "PATCH", f"/api/v1/zones/{zone.id}", {"note": "改" + LONE_SURROGATE}
    )
    assert resp.status_code == 422, resp.text
    assert resp.json()["fields"] == {"note": SURROGATE_MESSAGE}
    listed = raw_json(
        admin_client, "POST", "/api/v1/zones", {**ZONE, "industry_codes": ["C39", LONE_SURROGATE]}
    )
    assert listed.status_code == 422
    assert listed.json()["fields"] == {"industry_codes": SURROGATE_MESSAGE}
    session.expire_all()
    assert session.get(Zone, zone.id).note == "原备注"  # type: ignore[union-attr]


def test_text_longer_than_the_cap_names_the_field_and_the_limit(
    admin_client: TestClient, session: Session
) -> None:
    before = zone_count(session)
    at_cap = admin_client.post("/api/v1/zones", json={**ZONE, "note": "备" * TEXT_MAX_LENGTH})
    assert at_cap.status_code == 201, at_cap.text
    assert len(at_cap.json()["note"]) == TEXT_MAX_LENGTH
    over = admin_client.post(
        "/api/v1/zones", json={**ZONE, "name": "另一区", "note": "备" * (TEXT_MAX_LENGTH + 1)}
    )
    assert over.status_code == 422
    assert list(over.json()["fields"]) == ["note"]
    assert str(TEXT_MAX_LENGTH) in over.json()["fields"]["note"]
    assert zone_count(session) == before + 1


def test_every_register_checks_every_text_field() -> None:
    """No register's input schema lets a lone surrogate or an over-long text through."""
    checked = 0
    for reg in all_registers():
        for schema in (reg.create_schema, reg.update_schema):
            for name in schema.model_fields:
                for bad in (LONE_SURROGATE, "x" * (TEXT_MAX_LENGTH + 1)):
                    with pytest.raises(ValidationError) as caught:
                        schema.model_validate({name: bad})
                    # Every field refuses it (text fields with the message, others by type).
                    assert name in field_errors(caught.value), (reg.name, schema.__name__, name)
                checked += 1
    assert checked > 200


def test_json_body_over_the_cap_is_refused_before_it_is_parsed(
    admin_client: TestClient, session: Session, settings: Settings
) -> None:
    before = zone_count(session)
    ten_mb_note = "备" * (10 * 1024 * 1024 // 3)
    resp = admin_client.post("/api/v1/zones", json={**ZONE, "note": ten_mb_note})
    assert resp.status_code == 413
    assert resp.json()["error"] == "body_too_large"
    assert resp.json()["max_bytes"] == settings.max_body_bytes
    assert resp.json()["limit"] == "request_body"
    assert zone_count(session) == before


def test_streamed_body_without_length_is_cut_at_the_cap(
    admin_client: TestClient, session: Session, settings: Settings
) -> None:
    before = zone_count(session)
    chunk = b" " * 65536
    chunks = settings.max_body_bytes // len(chunk) + 2

    def stream() -> Iterator[bytes]:
        yield json.dumps(ZONE).encode()
        for _ in range(chunks):
            yield chunk

    resp = admin_client.post(
        "/api/v1/zones", content=stream(), headers={"content-type": "application/json"}
    )
    assert resp.status_code == 413
    assert resp.json()["error"] == "body_too_large"
    assert resp.json()["limit"] == "request_body"
    assert resp.json()["max_bytes"] == settings.max_body_bytes
    assert zone_count(session) == before


def test_body_just_under_the_cap_reaches_validation(
    admin_client: TestClient, settings: Settings
) -> None:
    note = "x" * (settings.max_body_bytes - 1000)
    resp = admin_client.post("/api/v1/zones", json={**ZONE, "note": note})
    assert resp.status_code == 422  # parsed, then refused by the text cap, not the body cap
    assert list(resp.json()["fields"]) == ["note"]


def test_form_body_over_the_cap_is_refused(admin_client: TestClient, settings: Settings) -> None:
    resp = admin_client.post(
        "/r/zones/new",
        content=b"note=" + b"x" * settings.max_body_bytes,
        headers={"content-type": "application/x-www-form-urlencoded", "accept": "application/json"},
    )
    assert resp.status_code == 413
    assert resp.json()["error"] == "body_too_large"


def test_uploads_have_their_own_cap(
    app: FastAPI, admin_client: TestClient, settings: Settings
) -> None:
    settings.max_body_bytes = 1000  # read per request: this app only
    csv = ("名称,级别,设区市\n" + "上传上限区,国家级,南京市\n" * 200).encode()
    assert len(csv) > settings.max_body_bytes
    upload = admin_client.post(
        "/api/v1/imports/zones", params={"dry_run": "true"}, files={"file": ("z.csv", csv)}
    )
    assert upload.status_code != 413, upload.text  # reaches the import, under the upload cap
    body = admin_client.post("/api/v1/zones", json={**ZONE, "note": "x" * 2000})
    assert body.status_code == 413
    assert body.json() == {
        "error": "body_too_large",
        "detail": body.json()["detail"],
        "limit": "request_body",
        "max_bytes": 1000,
        "text_max_chars": 20_000,
    }
    # The message names the whole-request cap, not a field.
    assert "整个请求" in body.json()["detail"] and "note" not in body.json()["detail"]
