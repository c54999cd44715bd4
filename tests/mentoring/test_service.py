"""Service-level rules: the decision rule's arithmetic and boundaries, and the conditional
UPDATE that makes the second of two concurrent writers lose."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from shuanggao.errors import Conflict
from shuanggao.mentoring import rules, service
from shuanggao.mentoring.models import PracticeProject
from shuanggao.mentoring.schemas import Decision, ProjectCreate
from tests.mentoring.conftest import Cast, registration

RUBRIC = rules.rubric_snapshot(None)


@pytest.mark.parametrize(
    ("uni", "ent", "decision"),
    [
        ("75.00", "75.00", Decision.ACCEPTED),
        ("74.99", "75.00", Decision.REVISIONS),
        ("60.00", "60.00", Decision.REVISIONS),
        ("59.00", "60.00", Decision.THESIS_REQUIRED),
        ("90.00", "75.00", Decision.ACCEPTED),  # a gap of exactly the threshold stays with the rule
        ("90.01", "75.00", None),  # beyond it: the committee
    ],
)
def test_decision_rule(uni: str, ent: str, decision: Decision | None) -> None:
    verdict = rules.decide(RUBRIC, Decimal(uni), Decimal(ent))
    assert verdict.decision == decision
    assert ("提交评议委员会裁定" in verdict.rule) is (decision is None)


def test_weighted_total_uses_the_weights() -> None:
    scores = {"学术深度": 100, "产业价值": 0, "创新性": 50, "工作量": 0, "规范性": 100}
    # 100×25 + 0 + 50×20 + 0 + 100×15 = 5000 → 50.00
    assert rules.weighted_total(RUBRIC, scores) == Decimal("50.00")


def test_the_second_of_two_writers_gets_a_conflict(session: Session, cast: Cast) -> None:
    project = service.register_project(
        session, cast.student.actor(), ProjectCreate.model_validate(registration(cast))
    )
    read_at = project.version
    # Another writer moves the row on after this one read it (same version in hand).
    session.execute(
        update(PracticeProject)
        .where(PracticeProject.id == project.id)
        .values(version=PracticeProject.version + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(Conflict):
        service.accept(session, cast.mentor.actor(), project.id, read_at)


def test_the_rule_shows_the_mean_it_compared() -> None:
    verdict = rules.decide(RUBRIC, Decimal("74.99"), Decimal("75.00"))
    assert verdict.rule == "修改后认定分数线 60 ≤ 均分 74.995 < 75，分差 0.01 ≤ 阈值 15"
