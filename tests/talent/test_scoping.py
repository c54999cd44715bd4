"""Personal-data scoping of residents: a student reads their own records and their project's
people; counts stay public within the university, names do not. And where in the zone a
resident works (an enterprise or platform of that zone)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tests import factories as f
from tests.conftest import ClientFor
from tests.mentoring.conftest import Cast, cast, registration  # noqa: F401 - the fixture


def _names(resp: Any) -> set[str]:
    assert resp.status_code == 200, resp.text
    return {r["person_name"] for r in resp.json()["items"]}


def test_student_reads_own_and_project_people_only(session: Session, cast: Cast) -> None:  # noqa: F811
    uni, zone = cast.university, cast.zone
    own = f.create_resident(
        session, zone, uni, person_name="学生本人", kind="graduate", user_id=cast.student.id
    )
    mentor = f.create_resident(session, zone, uni, person_name="校内导师甲", user_id=cast.mentor.id)
    f.create_resident(session, zone, uni, person_name="同校教师乙")
    f.create_resident(session, zone, uni, person_name="同校学生丙", kind="undergraduate")
    assert own.id and mentor.id
    # Before the project exists the student sees only their own record.
    assert _names(cast.as_(cast.student).get("/api/v1/residents")) == {"学生本人"}
    resp = cast.as_(cast.student).post("/api/v1/mentoring/projects", json=registration(cast))
    assert resp.status_code == 201
    assert _names(cast.as_(cast.student).get("/api/v1/residents")) == {"学生本人", "校内导师甲"}
    others = f.create_resident(session, zone, uni, person_name="同校教师丁")
    assert cast.as_(cast.student).get(f"/api/v1/residents/{others.id}").status_code == 404
    # The university's staff still read every name of the university.
    assert len(_names(cast.as_(cast.mentor).get("/api/v1/residents"))) == 5
    # Counts are public within the university: the student's figure counts all five.
    talent = cast.as_(cast.student).get(f"/api/v1/mentoring/talent?zone_id={zone.id}").json()
    assert talent["residents"] == 5
    row = talent["rows"][0]
    assert (row["teachers"], row["graduates"], row["undergraduates"]) == (3, 1, 1)
    assert "person_name" not in str(talent)


def test_enterprise_or_platform_must_be_in_the_zone(
    session: Session, client_for: ClientFor, province: Any
) -> None:
    zone, uni = f.create_zone(session), f.create_university(session)
    here = f.create_enterprise(session, zone)
    there = f.create_enterprise(session)
    body = {
        "person_name": "驻企工程师",
        "kind": "研究生",
        "university_id": uni.id,
        "zone_id": zone.id,
        "from_date": "2026-03-01",
    }
    client = client_for(province)
    resp = client.post("/api/v1/residents", json={**body, "enterprise_id": there.id})
    assert resp.status_code == 422 and list(resp.json()["fields"]) == ["enterprise_id"]
    resp = client.post("/api/v1/residents", json={**body, "enterprise_id": here.id})
    assert resp.status_code == 201, resp.text
    assert resp.json()["enterprise_id"] == here.id and resp.json()["kind"] == "graduate"
