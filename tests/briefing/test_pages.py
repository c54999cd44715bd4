"""The briefing and progress pages, and the downloads, for each role."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.reports.service import compute_stats
from tests.briefing.world import build_world
from tests.conftest import ClientFor

AS_OF = "2025-12-01"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _events(session: Session) -> int:
    stmt = select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "briefing")
    return int(session.scalar(stmt) or 0)


def test_province_previews_and_downloads(
    client_for: ClientFor, session: Session, province: Actor
) -> None:
    build_world(session)
    client = client_for(province)
    page = client.get("/briefing", params={"as_of": AS_OF})
    assert page.status_code == 200
    assert "“双高协同”工作简报（全省，截至2025年12月1日）" in page.text
    assert f"/briefing/download?format=pdf&amp;as_of={AS_OF}" in page.text
    resp = client.get("/briefing/download", params={"format": "docx", "as_of": AS_OF})
    assert resp.status_code == 200
    assert resp.headers["content-type"] == DOCX
    assert "attachment" in resp.headers["content-disposition"]
    doc = Document(io.BytesIO(resp.content))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "指标")
    stats = compute_stats(session, province, dt.date(2025, 12, 1))
    assert table.rows[4].cells[1].text == f"{stats.figures['projects'].value:,}" == "342"
    assert _events(session) == 1
    pdf = client.get("/briefing/download", params={"format": "pdf", "as_of": AS_OF})
    assert (pdf.status_code, pdf.content[:5]) == (200, b"%PDF-")


def test_zone_admin_gets_their_zone_only(client_for: ClientFor, session: Session) -> None:
    world = build_world(session)
    admin = client_for(Actor(role=Role.ZONE_ADMIN, user_id=7, zone_id=world["b"].id))
    page = admin.get("/briefing", params={"as_of": AS_OF})
    assert page.status_code == 200
    assert "乙高新区，截至2025年12月1日" in page.text
    assert "甲高新区" not in page.text
    other = admin.get("/briefing", params={"as_of": AS_OF, "zone_id": world["a"].id})
    assert other.status_code == 404
    assert "甲高新区" not in other.text
    progress = admin.get("/progress", params={"as_of": AS_OF})
    assert progress.status_code == 200
    assert "乙高新区" in progress.text and "甲高新区" not in progress.text


def test_other_roles_and_bad_parameters_are_refused(
    client_for: ClientFor, session: Session, province: Actor
) -> None:
    world = build_world(session)
    student = client_for(Actor(role=Role.STUDENT, user_id=8, university_id=world["u1"].id))
    assert student.get("/briefing").status_code == 403
    assert student.get("/briefing/download", params={"format": "pdf"}).status_code == 403
    assert student.get("/progress").status_code == 403
    client = client_for(province)
    bad = client.get("/briefing/download", params={"format": "txt", "as_of": AS_OF})
    assert bad.status_code == 422
    assert (
        client.get("/briefing/download", params={"format": "pdf", "as_of": "明天"}).status_code
        == 422
    )
    assert client.get("/briefing", params={"stalled_days": "0"}).status_code == 422
    assert _events(session) == 0


def test_progress_page_ranks_pilots(
    client_for: ClientFor, session: Session, province: Actor
) -> None:
    build_world(session)
    page = client_for(province).get("/progress", params={"as_of": AS_OF})
    assert page.status_code == 200
    text = page.text
    assert text.index('data-zone="甲高新区"') < text.index('data-zone="乙高新区"')
    assert "成果转化基金" in text and "实验室揭牌" in text
    assert "关键核心技术攻关" in text
