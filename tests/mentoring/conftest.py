"""A paired zone, an enterprise in it, and the people of a practice project."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shuanggao import personal
from tests import factories as f
from tests.harness import ClientFor


@dataclass
class Cast:
    university: Any
    zone: Any
    pairing: Any
    enterprise: Any
    student: Any
    mentor: Any
    boss: Any
    committee: Any
    office: Any
    client_for: ClientFor

    def as_(self, user: Any) -> TestClient:
        """A client acting as ``user`` (the override is app-wide: take a new one per step)."""
        return self.client_for(user.actor())


@pytest.fixture
def cast(session: Session, client_for: ClientFor) -> Cast:
    university = f.create_university(session)
    zone = f.create_zone(session)
    pairing = f.create_pairing(session, zone, [university])
    enterprise = f.create_enterprise(session, zone)
    student = f.create_user(session, "student", university_id=university.id)
    # The student shares the practice record with the enterprise mentor (withdrawn in
    # tests/mentoring/test_consent.py).
    f.give_consent(session, student, personal.PRACTICE_TO_MENTOR)
    return Cast(
        university=university,
        zone=zone,
        pairing=pairing,
        enterprise=enterprise,
        student=student,
        mentor=f.create_user(session, "mentor", university_id=university.id),
        boss=f.create_user(session, "enterprise_user", enterprise_id=enterprise.id),
        committee=f.create_user(session, "mentor", university_id=university.id),
        office=f.create_user(session, "university_admin", university_id=university.id),
        client_for=client_for,
    )


def registration(cast: Cast, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "储能电站电池簇均衡控制策略研究与应用",
        "degree_level": "专业学位硕士",
        "major": "电气工程",
        "enterprise_id": cast.enterprise.id,
        "university_mentor_id": cast.mentor.id,
        "enterprise_mentor_id": cast.boss.id,
        "start_date": "2026-03-01",
        "outcome_due_date": "2026-12-31",
    }
    body.update(overrides)
    return body
