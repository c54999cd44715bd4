"""The import/export endpoints: upload, preview, apply, job, export, template."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.universities.models import University
from tests.conftest import ClientFor
from tests.factories import create_zone
from tests.imports.sheets import UNIVERSITY_HEADER, csv_bytes, read_xlsx, university_rows, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _count(session: Session) -> int:
    stmt = select(func.count()).select_from(University).where(University.code.like("49%"))
    return int(session.scalar(stmt) or 0)


def _upload(client: TestClient, kind: str, name: str, data: bytes, **params: str) -> dict:
    resp = client.post(f"/api/v1/imports/{kind}", files={"file": (name, data)}, params=params)
    return {"status": resp.status_code, "body": resp.json()}


def test_upload_applies_a_good_file(admin_client: TestClient, session: Session) -> None:
    got = _upload(
        admin_client, "universities", "高校.xlsx", xlsx(UNIVERSITY_HEADER, university_rows(3))
    )
    assert got["status"] == 200, got
    body = got["body"]
    assert (body["status"], body["created"], body["updated"], body["unchanged"]) == (
        "applied",
        3,
        0,
        0,
    )
    assert (body["kind"], body["label"], body["filename"], body["errors"]) == (
        "universities",
        "高校",
        "高校.xlsx",
        [],
    )
    assert _count(session) == 3
    job = admin_client.get(f"/api/v1/imports/jobs/{body['id']}").json()
    assert (job["status"], job["created"]) == ("applied", 3)
    assert [j["id"] for j in admin_client.get("/api/v1/imports/jobs").json()] == [body["id"]]


def test_rejected_upload_is_422_with_every_bad_row(
    admin_client: TestClient, session: Session
) -> None:
    rows = university_rows(3)
    rows[0][0] = "x"
    rows[2][1] = None
    got = _upload(
        admin_client, "universities", "高校.csv", csv_bytes(UNIVERSITY_HEADER, rows, encoding="gbk")
    )
    assert got["status"] == 422
    body = got["body"]
    assert body["error"] == "import_rejected"
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (2, "学校标识码", "invalid"),
        (4, "学校名称", "required"),
    ]
    assert body["errors"][0]["message"] == "学校标识码应为 10 位数字"
    assert body["job"]["status"] == "rejected"
    assert _count(session) == 0


def test_dry_run_then_apply(client_for: ClientFor, session: Session) -> None:
    actor = Actor(role=Role.PROVINCE_ADMIN, user_id=11, username="p11")
    client = client_for(actor)
    got = _upload(
        client,
        "universities",
        "u.xlsx",
        xlsx(UNIVERSITY_HEADER, university_rows(2)),
        dry_run="true",
    )
    assert (got["status"], got["body"]["status"], got["body"]["created"]) == (200, "previewed", 2)
    assert _count(session) == 0
    job_id = got["body"]["id"]
    resp = client.post(f"/api/v1/imports/jobs/{job_id}/apply")
    assert resp.status_code == 200, resp.text
    assert (resp.json()["status"], resp.json()["created"]) == ("applied", 2)
    assert _count(session) == 2
    again = client.post(f"/api/v1/imports/jobs/{job_id}/apply")
    assert (again.status_code, again.json()["error"]) == (409, "conflict")
    assert _count(session) == 2


def test_other_users_jobs_are_not_found(client_for: ClientFor, session: Session) -> None:
    owner = client_for(Actor(role=Role.PROVINCE_ADMIN, user_id=21, username="a"))
    got = _upload(
        owner, "universities", "u.xlsx", xlsx(UNIVERSITY_HEADER, university_rows(1)), dry_run="true"
    )
    job_id = got["body"]["id"]
    zone = create_zone(session)
    stranger = client_for(Actor(role=Role.ZONE_ADMIN, user_id=22, username="z", zone_id=zone.id))
    assert stranger.get(f"/api/v1/imports/jobs/{job_id}").status_code == 404
    assert stranger.post(f"/api/v1/imports/jobs/{job_id}/apply").status_code == 404
    assert stranger.get("/api/v1/imports/jobs").json() == []
    assert _count(session) == 0


def test_file_refusals(client_for: ClientFor, app, session: Session) -> None:
    client = client_for(Actor(role=Role.PROVINCE_ADMIN, user_id=31, username="p"))
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    got = _upload(client, "universities", "photo.xlsx", png)
    assert (got["status"], got["body"]["error"]) == (400, "bad_file")
    app.state.settings.max_upload_bytes = 200
    big = csv_bytes(UNIVERSITY_HEADER, university_rows(20))
    got = _upload(client, "universities", "big.csv", big)
    assert (got["status"], got["body"]["error"]) == (413, "file_too_large")
    got = _upload(client, "nonexistent", "a.csv", big)
    assert got["status"] == 404
    assert _count(session) == 0


def test_auditor_cannot_import(client_for: ClientFor, session: Session) -> None:
    client = client_for(Actor(role=Role.AUDITOR, user_id=41, username="aud"))
    got = _upload(client, "universities", "u.xlsx", xlsx(UNIVERSITY_HEADER, university_rows(1)))
    assert (got["status"], got["body"]["error"]) == (403, "forbidden")
    assert _count(session) == 0


def test_export_and_template_downloads(admin_client: TestClient, session: Session) -> None:
    _upload(admin_client, "universities", "u.xlsx", xlsx(UNIVERSITY_HEADER, university_rows(3)))
    resp = admin_client.get(
        "/api/v1/exports/universities", params={"format": "csv", "q": "导入测试大学"}
    )
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "text/csv; charset=utf-8"
    assert f"filename*=UTF-8''{quote('高校_')}" in resp.headers["content-disposition"]
    lines = resp.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 4
    resp = admin_client.get(
        "/api/v1/exports/universities", params={"q": "导入测试大学", "level": "vocational"}
    )
    assert resp.headers["content-type"] == XLSX
    rows = read_xlsx(resp.content)
    assert [r[1] for r in rows[1:]] == ["导入测试大学1"]
    bad = admin_client.get("/api/v1/exports/universities", params={"is_pilot": "maybe"})
    assert (bad.status_code, bad.json()["error"]) == (422, "validation_error")
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert len(events) == 2
    template = admin_client.get("/api/v1/exports/universities/template")
    assert template.status_code == 200
    assert read_xlsx(template.content)[0][:2] == ("*学校标识码", "*学校名称")
    assert admin_client.get("/api/v1/exports/nothing").status_code == 404
    assert (
        admin_client.get("/api/v1/exports/universities", params={"format": "pdf"}).status_code
        == 422
    )


def test_job_ids_out_of_range_are_refused_not_500(admin_client: TestClient) -> None:
    assert admin_client.get("/api/v1/imports/jobs/123456").status_code == 404
    assert admin_client.get("/api/v1/imports/jobs/99999999999").status_code == 422
    assert admin_client.post("/api/v1/imports/jobs/99999999999/apply").status_code == 422


def test_export_parameters_that_the_database_cannot_take_are_422(
    admin_client: TestClient,
) -> None:
    for params in ({"q": "a\x00b"}, {"sort": "\x00"}, {"is_pilot": "x"}):
        resp = admin_client.get("/api/v1/exports/universities", params=params)
        assert (resp.status_code, resp.json()["error"]) == (422, "validation_error")
    resp = admin_client.get("/api/v1/exports/enterprises", params={"zone_id": str(2**40)})
    assert (resp.status_code, resp.json()["error"]) == (422, "validation_error")
