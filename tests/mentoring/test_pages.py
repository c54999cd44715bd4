"""The dual-mentor pages: registration form, each person's step forms and the record export."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shuanggao.mentoring.models import PracticeProject
from tests.mentoring.conftest import Cast, registration


def test_student_registers_and_mentors_accept_on_the_pages(session: Session, cast: Cast) -> None:
    page = cast.as_(cast.student).get("/mentoring")
    assert page.status_code == 200
    assert 'id="register-form"' in page.text
    assert f'<option value="{cast.enterprise.id}">{cast.enterprise.name}</option>' in page.text
    form = {k: str(v) for k, v in registration(cast).items()}
    resp = cast.as_(cast.student).post("/mentoring/new", data=form, follow_redirects=False)
    assert resp.status_code == 303, resp.text
    pid = int(resp.headers["location"].rsplit("/", 1)[1])
    project = session.get(PracticeProject, pid)
    assert project is not None and project.state == "proposed"

    # The mentor sees the task on the list and the accept form on the project page.
    listing = cast.as_(cast.mentor).get("/mentoring").text
    assert "确认担任导师" in listing and 'id="register-form"' not in listing
    detail = cast.as_(cast.mentor).get(f"/mentoring/{pid}").text
    assert 'id="accept-form"' in detail
    assert 'id="accept-form"' not in cast.as_(cast.student).get(f"/mentoring/{pid}").text
    for user in (cast.mentor, cast.boss):
        session.refresh(project)
        resp = cast.as_(user).post(
            f"/mentoring/{pid}/act/accept",
            data={"version": str(project.version)},
            follow_redirects=False,
        )
        assert resp.status_code == 303
    session.refresh(project)
    assert project.state == "active"
    # A stale form answers 409 and changes nothing.
    resp = cast.as_(cast.student).post(
        f"/mentoring/{pid}/act/report",
        data={
            "version": str(project.version - 1),
            "period": "2026-06",
            "content": "完成均衡电路设计与仿真验证。",
        },
    )
    assert resp.status_code == 409
    session.refresh(project)
    assert project.state == "active"


def test_a_bad_form_names_the_field(cast: Cast) -> None:
    form = {k: str(v) for k, v in registration(cast, title="短").items()}
    resp = cast.as_(cast.student).post("/mentoring/new", data=form)
    assert resp.status_code == 422
    assert "title" in resp.text or "项目名称" in resp.text or "至少" in resp.text


def test_outsiders_get_404(session: Session, cast: Cast) -> None:
    resp = cast.as_(cast.student).post("/api/v1/mentoring/projects", json=registration(cast))
    pid = resp.json()["id"]
    from tests import factories as f

    peer = f.create_user(session, "mentor", university_id=cast.university.id)
    assert cast.as_(peer).get(f"/mentoring/{pid}").status_code == 404
    assert cast.as_(peer).get(f"/mentoring/{pid}/record.xlsx").status_code == 404


def test_university_office_sets_the_rubric_on_the_page(session: Session, cast: Cast) -> None:
    page = cast.as_(cast.office).get("/mentoring").text
    assert 'id="rubric-form"' in page and "学术深度：25" in page
    assert 'id="rubric-form"' not in cast.as_(cast.mentor).get("/mentoring").text
    form = {
        "criteria": "学术深度：40\n产业价值:60",
        "disagreement_threshold": "10",
        "accept_score": "80",
        "revise_score": "65",
        "committee_user_id": str(cast.committee.id),
    }
    resp = cast.as_(cast.office).post("/mentoring/rubric", data=form, follow_redirects=False)
    assert resp.status_code == 303, resp.text
    rubric = cast.as_(cast.office).get(f"/api/v1/mentoring/rubrics/{cast.university.id}").json()
    assert [(c["name"], c["weight"]) for c in rubric["criteria"]] == [
        ("学术深度", 40),
        ("产业价值", 60),
    ]
    assert (rubric["committee_user_id"], rubric["version"]) == (cast.committee.id, 1)
    # A line without a weight is named by its number; a stale version is refused.
    bad = cast.as_(cast.office).post(
        "/mentoring/rubric", data={**form, "criteria": "学术深度\n产业价值：100", "version": "1"}
    )
    assert bad.status_code == 422 and "第 1 行" in bad.text
    stale = cast.as_(cast.office).post("/mentoring/rubric", data={**form, "version": "7"})
    assert stale.status_code == 409
