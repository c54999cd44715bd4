"""The dual-mentor scheme through the API: registration to decision, versions, tenancy and
the honesty checks."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.mentoring.models import PracticeProject
from tests import factories as f
from tests.mentoring.conftest import Cast, registration

BASE = "/api/v1/mentoring/projects"
SCORES_HIGH = {"学术深度": 85, "产业价值": 90, "创新性": 80, "工作量": 85, "规范性": 80}
SCORES_NEAR = {"学术深度": 80, "产业价值": 88, "创新性": 82, "工作量": 80, "规范性": 84}
SCORES_LOW = {"学术深度": 50, "产业价值": 60, "创新性": 55, "工作量": 60, "规范性": 50}


def _ok(resp: Any, status: int = 200) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    body: dict[str, Any] = resp.json()
    return body


def _register(cast: Cast, **overrides: Any) -> dict[str, Any]:
    return _ok(cast.as_(cast.student).post(BASE, json=registration(cast, **overrides)), 201)


def _active(cast: Cast) -> dict[str, Any]:
    p = _register(cast)
    p = _ok(cast.as_(cast.mentor).post(f"{BASE}/{p['id']}/accept", json={"version": p["version"]}))
    return _ok(cast.as_(cast.boss).post(f"{BASE}/{p['id']}/accept", json={"version": p["version"]}))


def _submitted(cast: Cast) -> dict[str, Any]:
    p = _active(cast)
    pid = p["id"]
    p = _ok(
        cast.as_(cast.student).post(
            f"{BASE}/{pid}/evidence",
            data={"version": str(p["version"])},
            files={"file": ("测试报告.pdf", b"%PDF-1.4 test evidence", "application/pdf")},
        )
    )
    body = {
        "version": p["version"],
        "outcome_kind": "产品",
        "outcome_title": "电池簇主动均衡控制器",
        "outcome_summary": "研制主动均衡控制器并在林洋储能电站试运行三个月。",
    }
    return _ok(cast.as_(cast.student).post(f"{BASE}/{pid}/outcome", json=body))


def _score_and_sign(
    cast: Cast, p: dict[str, Any], uni: dict[str, int], ent: dict[str, int]
) -> dict[str, Any]:
    pid = p["id"]
    for user, scores in ((cast.mentor, uni), (cast.boss, ent)):
        body = {"version": p["version"], "scores": scores, "comment": "成果扎实，具备应用价值。"}
        p = _ok(cast.as_(user).post(f"{BASE}/{pid}/score", json=body))
    for user in (cast.mentor, cast.boss):
        p = _ok(cast.as_(user).post(f"{BASE}/{pid}/sign", json={"version": p["version"]}))
    return p


def test_registration_to_accepted_outcome(session: Session, cast: Cast) -> None:
    p = _register(cast)
    assert p["state"] == "proposed"
    assert p["zone_id"] == cast.zone.id and p["pairing_id"] == cast.pairing.id
    assert p["university_mentor"]["user_id"] == cast.mentor.id
    pid = p["id"]
    # Without a version: 428; with a stale one: 409.
    resp = cast.as_(cast.mentor).post(f"{BASE}/{pid}/accept", json={})
    assert resp.status_code == 428 and resp.json()["error"] == "version_required"
    resp = cast.as_(cast.mentor).post(f"{BASE}/{pid}/accept", json={"version": p["version"] + 1})
    assert resp.status_code == 409 and resp.json()["current_version"] == p["version"]
    p = _ok(cast.as_(cast.mentor).post(f"{BASE}/{pid}/accept", json={"version": p["version"]}))
    assert p["state"] == "proposed" and p["university_accepted_at"] is not None
    p = _ok(cast.as_(cast.boss).post(f"{BASE}/{pid}/accept", json={"version": p["version"]}))
    assert p["state"] == "active"

    p = _ok(
        cast.as_(cast.student).post(
            f"{BASE}/{pid}/milestones",
            json={"version": p["version"], "title": "完成控制器样机", "due_date": "2026-09-30"},
        )
    )
    assert [m["title"] for m in p["milestones"]] == ["完成控制器样机"]
    assert ("完成控制器样机", "2026-09-30") in [tuple(d) for d in p["deadlines"]]
    p = _ok(
        cast.as_(cast.student).post(
            f"{BASE}/{pid}/reports",
            json={
                "version": p["version"],
                "period": "2026-06",
                "content": "完成均衡电路设计与仿真。",
            },
        )
    )
    rid = p["reports"][0]["id"]
    for user in (cast.mentor, cast.boss):
        p = _ok(
            cast.as_(user).post(f"{BASE}/{pid}/reports/{rid}/read", json={"version": p["version"]})
        )
    assert p["reports"][0]["university_read_at"] and p["reports"][0]["enterprise_read_at"]
    p = _ok(
        cast.as_(cast.boss).post(
            f"{BASE}/{pid}/meetings",
            json={
                "version": p["version"],
                "meeting_date": "2026-06-15",
                "attendees": "学生、校内导师、企业导师",
                "minutes": "确定样机测试方案。",
            },
        )
    )
    assert len(p["meetings"]) == 1

    # The outcome needs its evidence first.
    body = {
        "version": p["version"],
        "outcome_kind": "product",
        "outcome_title": "电池簇主动均衡控制器",
        "outcome_summary": "研制主动均衡控制器并在储能电站试运行。",
    }
    resp = cast.as_(cast.student).post(f"{BASE}/{pid}/outcome", json=body)
    assert resp.status_code == 422 and "evidence" in resp.json()["fields"]
    p = _ok(
        cast.as_(cast.student).post(
            f"{BASE}/{pid}/evidence",
            data={"version": str(p["version"])},
            files={"file": ("试运行报告.pdf", b"%PDF-1.4 evidence", "application/pdf")},
        )
    )
    assert p["evidence"][0]["size"] == len(b"%PDF-1.4 evidence")
    got = cast.as_(cast.boss).get(f"{BASE}/{pid}/evidence/{p['evidence'][0]['id']}")
    assert got.status_code == 200 and got.content == b"%PDF-1.4 evidence"
    outsider = f.create_user(session, "student", university_id=cast.university.id)
    got = cast.as_(outsider).get(f"{BASE}/{pid}/evidence/{p['evidence'][0]['id']}")
    assert got.status_code == 404
    body["version"] = p["version"]
    p = _ok(cast.as_(cast.student).post(f"{BASE}/{pid}/outcome", json=body))
    assert p["state"] == "submitted" and p["rubric"]["is_default"] is True

    p = _score_and_sign(cast, p, SCORES_HIGH, SCORES_NEAR)
    assert p["state"] == "decided"
    assert p["decision"] == "accepted"
    totals = {a["side"]: a["total"] for a in p["assessments"]}
    # 85×.25 + 90×.25 + 80×.2 + 85×.15 + 80×.15 = 84.5; the other 83.0.
    assert totals == {"university": "84.50", "enterprise": "83.00"}
    assert p["decision_rule"] == "均分 83.75 ≥ 认定分数线 75，分差 1.50 ≤ 阈值 15"
    assert all(a["signed_at"] for a in p["assessments"])

    resp = cast.as_(cast.student).get(f"{BASE}/{pid}/record.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    scores = [[c.value for c in row] for row in wb["成果与评分"].iter_rows()]
    assert any(r[0] == "校内导师" and r[7] == "84.50" for r in scores)
    assert all(r[-1] != "未签字" for r in scores if r[0] in ("校内导师", "企业导师"))
    decision = {row[0].value: row[1].value for row in wb["认定结论"].iter_rows()}
    assert decision["认定结论"] == "认定为学位论文替代成果"
    assert decision["适用规则"] == p["decision_rule"]
    n = session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.entity == "practice_projects", AuditEvent.entity_id == str(pid)
        )
    )
    # register, 2 accepts, milestone, report, 2 reads, meeting, evidence, outcome, 2 scores, 2 signs
    assert n == 14


def test_disagreement_goes_to_the_committee(session: Session, cast: Cast) -> None:
    rubric = {
        "criteria": [{"name": "学术深度", "weight": 40}, {"name": "产业价值", "weight": 60}],
        "disagreement_threshold": 10,
        "accept_score": 80,
        "revise_score": 60,
        "committee_user_id": cast.committee.id,
    }
    uid = cast.university.id
    _ok(cast.as_(cast.office).put(f"/api/v1/mentoring/rubrics/{uid}", json=rubric))
    p = _submitted(cast)
    assert [c["name"] for c in p["rubric"]["criteria"]] == ["学术深度", "产业价值"]
    # A score sheet must name exactly the rubric's criteria.
    resp = cast.as_(cast.mentor).post(
        f"{BASE}/{p['id']}/score",
        json={"version": p["version"], "scores": SCORES_HIGH, "comment": "评语评语"},
    )
    assert resp.status_code == 422 and "scores" in resp.json()["fields"]
    # The committee member cannot see the case before it reaches the committee.
    assert cast.as_(cast.committee).get(f"{BASE}/{p['id']}").status_code == 404
    p = _score_and_sign(cast, p, {"学术深度": 90, "产业价值": 90}, {"学术深度": 60, "产业价值": 70})
    assert p["state"] == "committee" and p["decision"] is None
    assert p["decision_rule"].startswith("两位导师加权总分相差 24.00，超过分差阈值 10")
    before = p["version"]
    body = {"version": before, "decision": "accepted", "note": "企业应用证明充分，同意认定。"}
    # A mentor of the project is not the committee.
    resp = cast.as_(cast.mentor).post(f"{BASE}/{p['id']}/decision", json=body)
    assert resp.status_code == 403
    assert session.get(PracticeProject, p["id"]).version == before  # type: ignore[union-attr]
    p = _ok(cast.as_(cast.committee).post(f"{BASE}/{p['id']}/decision", json=body))
    assert p["state"] == "decided" and p["decision"] == "accepted"
    assert p["decided_by"]["user_id"] == cast.committee.id
    assert p["decision_rule"].endswith("评议委员会裁定：认定为学位论文替代成果")


def test_low_scores_keep_the_thesis(cast: Cast) -> None:
    p = _score_and_sign(cast, _submitted(cast), SCORES_LOW, SCORES_LOW)
    assert p["decision"] == "thesis_required"


def test_declared_relative_cannot_mentor(session: Session, cast: Cast) -> None:
    body = {
        "mentor_user_id": cast.mentor.id,
        "kind": "relative",
        "student_user_id": cast.student.id,
    }
    _ok(cast.as_(cast.mentor).post("/api/v1/mentoring/declarations", json=body), 201)
    resp = cast.as_(cast.student).post(BASE, json=registration(cast))
    assert resp.status_code == 409
    assert resp.json()["error"] == "mentor_conflict"
    assert list(resp.json()["fields"]) == ["university_mentor_id"]
    assert session.scalar(select(func.count(PracticeProject.id))) == 0


def test_co_owner_declared_after_registration_blocks_acceptance(cast: Cast) -> None:
    p = _register(cast)
    body = {"mentor_user_id": cast.boss.id, "kind": "co_owner", "enterprise_id": cast.enterprise.id}
    # The university's office cannot declare for an enterprise's user; the mentor can.
    resp = cast.as_(cast.office).post("/api/v1/mentoring/declarations", json=body)
    assert resp.status_code == 404
    _ok(cast.as_(cast.boss).post("/api/v1/mentoring/declarations", json=body), 201)
    resp = cast.as_(cast.boss).post(f"{BASE}/{p['id']}/accept", json={"version": p["version"]})
    assert resp.status_code == 409 and resp.json()["error"] == "mentor_conflict"


def test_enterprise_mentor_belongs_to_the_enterprise(session: Session, cast: Cast) -> None:
    other = f.create_user(
        session, "enterprise_user", enterprise_id=f.create_enterprise(session, cast.zone).id
    )
    resp = cast.as_(cast.student).post(BASE, json=registration(cast, enterprise_mentor_id=other.id))
    assert resp.status_code == 422
    assert list(resp.json()["fields"]) == ["enterprise_mentor_id"]


def test_enterprise_outside_paired_zones(session: Session, cast: Cast) -> None:
    elsewhere = f.create_enterprise(session)
    resp = cast.as_(cast.student).post(BASE, json=registration(cast, enterprise_id=elsewhere.id))
    assert resp.status_code == 422 and list(resp.json()["fields"]) == ["enterprise_id"]


def test_other_people_see_nothing_and_cannot_write(session: Session, cast: Cast) -> None:
    p = _register(cast)
    peer = f.create_user(session, "student", university_id=cast.university.id)
    assert cast.as_(peer).get(f"{BASE}/{p['id']}").status_code == 404
    assert cast.as_(peer).get(BASE).json() == []
    resp = cast.as_(peer).post(f"{BASE}/{p['id']}/accept", json={"version": p["version"]})
    assert resp.status_code == 404
    # The student cannot accept for a mentor; the auditor reads but never writes.
    resp = cast.as_(cast.student).post(f"{BASE}/{p['id']}/accept", json={"version": p["version"]})
    assert resp.status_code == 403
    auditor = Actor(role=Role.AUDITOR, user_id=cast.office.id, username="auditor")
    assert cast.client_for(auditor).get(f"{BASE}/{p['id']}").status_code == 200
    resp = cast.client_for(auditor).post(f"{BASE}/{p['id']}/accept", json={"version": p["version"]})
    assert resp.status_code == 403
    assert session.get(PracticeProject, p["id"]).version == p["version"]  # type: ignore[union-attr]
    # The university's office and the zone see it.
    assert cast.as_(cast.office).get(f"{BASE}/{p['id']}").status_code == 200
    zone_admin = f.create_user(session, "zone_admin", zone_id=cast.zone.id)
    assert [x["id"] for x in cast.as_(zone_admin).get(BASE).json()] == [p["id"]]


def test_only_students_register(cast: Cast) -> None:
    resp = cast.as_(cast.mentor).post(BASE, json=registration(cast))
    assert resp.status_code == 403


def test_evidence_over_the_cap_is_refused(cast: Cast, settings: Any) -> None:
    p = _active(cast)
    big = b"x" * (settings.max_upload_bytes + 1)
    resp = cast.as_(cast.student).post(
        f"{BASE}/{p['id']}/evidence",
        data={"version": str(p["version"])},
        files={"file": ("big.bin", big, "application/octet-stream")},
    )
    assert resp.status_code in (413, 422)
    assert cast.as_(cast.student).get(f"{BASE}/{p['id']}").json()["evidence"] == []


def test_rubric_weights_must_sum_to_100(cast: Cast) -> None:
    body = {"criteria": [{"name": "学术深度", "weight": 40}, {"name": "产业价值", "weight": 50}]}
    resp = cast.as_(cast.office).put(f"/api/v1/mentoring/rubrics/{cast.university.id}", json=body)
    assert resp.status_code == 422 and "criteria" in resp.json()["fields"]
    resp = cast.as_(cast.mentor).put(
        f"/api/v1/mentoring/rubrics/{cast.university.id}",
        json={"criteria": [{"name": "学术深度", "weight": 100}]},
    )
    assert resp.status_code == 403


def test_declared_tie_in_the_conflicts_register_blocks_the_university_mentor(
    session: Session, cast: Cast
) -> None:
    from shuanggao.conflicts.models import ConflictDeclaration

    session.add(
        ConflictDeclaration(
            user_id=cast.mentor.id,
            university_id=cast.university.id,
            enterprise_id=cast.enterprise.id,
            kind="shareholding",
        )
    )
    session.flush()
    resp = cast.as_(cast.student).post(BASE, json=registration(cast))
    assert resp.status_code == 409 and resp.json()["error"] == "mentor_conflict"
    assert list(resp.json()["fields"]) == ["university_mentor_id"]
    assert "持股" in resp.json()["fields"]["university_mentor_id"]
    assert session.scalar(select(func.count(PracticeProject.id))) == 0
