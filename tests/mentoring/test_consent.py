"""The student's practice record reaches the enterprise mentor only with the student's consent
(PIPL 13–15; checklist PI-03, PI-04; ``personal.PRACTICE_TO_MENTOR``).

Without it the enterprise mentor sees that the project exists, the outcome as submitted for
assessment and their own assessment, and still scores and signs; the student's name, degree and
major, milestones, progress reports, minutes, evidence and the university mentor's assessment
are left out of the API, the page and the export, and reading a report or an evidence file
answers 403 ``not_shared``. Withdrawing takes effect on the next request; giving it back shows
everything again."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from shuanggao import personal
from shuanggao.mentoring.models import ProgressReport
from tests.mentoring.conftest import Cast
from tests.mentoring.test_api import BASE, SCORES_HIGH, SCORES_NEAR, _active, _ok, _score_and_sign

PRACTICE = personal.PRACTICE_TO_MENTOR
UNSHOWN = "某学生（未授权共享）"
REPORT = "完成均衡电路设计与仿真，电池簇一致性提升。"
MINUTES = "确定样机测试方案与试运行站点。"


def _decide(cast: Cast, granted: bool) -> dict[str, Any]:
    return _ok(
        cast.as_(cast.student).post(
            "/api/v1/auth/consent/purposes", json={"purpose": PRACTICE, "granted": granted}
        )
    )


def _xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return " ".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )


def test_the_enterprise_mentor_reads_the_record_only_with_consent(
    session: Session, cast: Cast
) -> None:
    p = _active(cast)
    pid = p["id"]
    p = _ok(
        cast.as_(cast.student).post(
            f"{BASE}/{pid}/milestones",
            json={"version": p["version"], "title": "完成控制器样机", "due_date": "2026-09-30"},
        )
    )
    p = _ok(
        cast.as_(cast.student).post(
            f"{BASE}/{pid}/reports",
            json={"version": p["version"], "period": "2026-06", "content": REPORT},
        )
    )
    p = _ok(
        cast.as_(cast.mentor).post(
            f"{BASE}/{pid}/meetings",
            json={"version": p["version"], "meeting_date": "2026-06-15",
                  "attendees": "学生、校内导师、企业导师", "minutes": MINUTES},
        )
    )  # fmt: skip
    rid = p["reports"][0]["id"]
    student_name = cast.student.display_name

    def boss_sees() -> tuple[dict[str, Any], str]:
        body = _ok(cast.as_(cast.boss).get(f"{BASE}/{pid}"))
        listed = _ok(cast.as_(cast.boss).get(BASE))
        page = cast.as_(cast.boss).get(f"/mentoring/{pid}", headers={"Accept": "text/html"})
        assert page.status_code == 200
        export = cast.as_(cast.boss).get(f"{BASE}/{pid}/record.xlsx")
        assert export.status_code == 200
        text = "\n".join([str(listed), page.text, _xlsx_text(export.content)])
        return body, text

    # Consent given (tests/mentoring/conftest.py): the whole record.
    body, text = boss_sees()
    assert body["record_shared"] is True and body["student"]["name"] == student_name
    assert [r["content"] for r in body["reports"]] == [REPORT]
    assert REPORT in text and MINUTES in text and student_name in text

    state = _decide(cast, False)
    assert {x["purpose"]: x["granted"] for x in state["purposes"]} == {PRACTICE: False}
    body, text = boss_sees()
    assert body["record_shared"] is False
    assert (body["student"]["name"], body["major"], body["degree_label"]) == (
        UNSHOWN,
        UNSHOWN,
        UNSHOWN,
    )
    assert (body["plan"], body["milestones"], body["reports"], body["meetings"]) == (
        None,
        [],
        [],
        [],
    )
    assert [d[0] for d in body["deadlines"]] == ["提交实践成果"]
    for secret in (REPORT, MINUTES, student_name, "电气工程", "完成控制器样机"):
        assert secret not in text, secret
    assert 'id="record-not-shared"' in text
    # Acknowledging a report it may not read is refused, and changes nothing.
    denied = cast.as_(cast.boss).post(
        f"{BASE}/{pid}/reports/{rid}/read", json={"version": body["version"]}
    )
    assert (denied.status_code, denied.json()["error"]) == (403, "not_shared")
    session.expire_all()
    stored = session.get(ProgressReport, rid)
    assert stored is not None and stored.enterprise_read_at is None
    # The university mentor and the student keep the whole record.
    mine = _ok(cast.as_(cast.mentor).get(f"{BASE}/{pid}"))
    assert mine["record_shared"] is True and [r["content"] for r in mine["reports"]] == [REPORT]

    # The dual-mentor assessment goes on: the outcome presented for assessment is shown, the
    # evidence files are not, and the enterprise mentor scores and signs.
    p = _ok(cast.as_(cast.student).get(f"{BASE}/{pid}"))
    p = _ok(
        cast.as_(cast.student).post(
            f"{BASE}/{pid}/evidence",
            data={"version": str(p["version"])},
            files={"file": ("试运行报告.pdf", b"%PDF-1.4 evidence", "application/pdf")},
        )
    )
    evidence_id = p["evidence"][0]["id"]
    p = _ok(
        cast.as_(cast.student).post(
            f"{BASE}/{pid}/outcome",
            json={"version": p["version"], "outcome_kind": "product",
                  "outcome_title": "电池簇主动均衡控制器",
                  "outcome_summary": "研制主动均衡控制器并在储能电站试运行。"},
        )
    )  # fmt: skip
    body = _ok(cast.as_(cast.boss).get(f"{BASE}/{pid}"))
    assert (body["outcome_title"], body["evidence"]) == ("电池簇主动均衡控制器", [])
    file = cast.as_(cast.boss).get(f"{BASE}/{pid}/evidence/{evidence_id}")
    assert (file.status_code, file.json()["error"]) == (403, "not_shared")
    assert cast.as_(cast.mentor).get(f"{BASE}/{pid}/evidence/{evidence_id}").status_code == 200
    p = _score_and_sign(cast, p, SCORES_HIGH, SCORES_NEAR)
    assert p["state"] == "decided"
    body = _ok(cast.as_(cast.boss).get(f"{BASE}/{pid}"))
    assert [a["side"] for a in body["assessments"]] == ["enterprise"]
    assert body["decision"] == p["decision"]

    # Given again: everything is back at once.
    _decide(cast, True)
    body, text = boss_sees()
    assert body["record_shared"] is True and body["student"]["name"] == student_name
    assert {a["side"] for a in body["assessments"]} == {"enterprise", "university"}
    assert REPORT in text and MINUTES in text
