"""Rules of the dual-mentor scheme: the rubric, the weighted score, the decision rule and the
honesty checks on mentors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.accounts.models import User
from shuanggao.actor import Role
from shuanggao.conflicts.rules import conflicting_pairs
from shuanggao.errors import ValidationFailed
from shuanggao.mentoring import repository
from shuanggao.mentoring.errors import MentorConflict
from shuanggao.mentoring.models import Rubric
from shuanggao.mentoring.schemas import Decision

# Used when a university has not configured its own rubric (the five criteria).
DEFAULT_CRITERIA: tuple[dict[str, Any], ...] = (
    {"name": "学术深度", "weight": 25},
    {"name": "产业价值", "weight": 25},
    {"name": "创新性", "weight": 20},
    {"name": "工作量", "weight": 15},
    {"name": "规范性", "weight": 15},
)
DEFAULT_THRESHOLD = 15
DEFAULT_ACCEPT = 75
DEFAULT_REVISE = 60
UNIVERSITY_MENTOR_ROLES = frozenset({Role.MENTOR, Role.RESEARCHER})
CENT = Decimal("0.01")


def rubric_snapshot(rubric: Rubric | None) -> dict[str, Any]:
    """The rubric a case is judged by, frozen when the outcome is submitted."""
    if rubric is None:
        return {
            "criteria": [dict(c) for c in DEFAULT_CRITERIA],
            "disagreement_threshold": DEFAULT_THRESHOLD,
            "accept_score": DEFAULT_ACCEPT,
            "revise_score": DEFAULT_REVISE,
            "committee_user_id": None,
            "is_default": True,
        }
    return {
        "criteria": [dict(c) for c in rubric.criteria],
        "disagreement_threshold": rubric.disagreement_threshold,
        "accept_score": rubric.accept_score,
        "revise_score": rubric.revise_score,
        "committee_user_id": rubric.committee_user_id,
        "is_default": False,
    }


def check_rubric(criteria: Sequence[Mapping[str, Any]], accept: int, revise: int) -> None:
    fields: dict[str, str] = {}
    names = [str(c["name"]) for c in criteria]
    if len(set(names)) != len(names):
        fields["criteria"] = "评分项名称不能重复"
    total = sum(int(c["weight"]) for c in criteria)
    if total != 100:
        fields["criteria"] = f"各评分项权重之和应为 100（现为 {total}）"
    if revise > accept:
        fields["revise_score"] = "“修改后认定”分数线不能高于“认定”分数线"
    if fields:
        raise ValidationFailed(fields=fields)


def weighted_total(rubric: Mapping[str, Any], scores: Mapping[str, int]) -> Decimal:
    """Each criterion scored 0–100; the total is the weighted mean (0–100, two places)."""
    criteria = rubric["criteria"]
    names = {str(c["name"]) for c in criteria}
    fields: dict[str, str] = {}
    missing = [n for n in names if n not in scores]
    unknown = [n for n in scores if n not in names]
    if missing:
        fields["scores"] = "缺少评分项：" + "、".join(sorted(missing))
    elif unknown:
        fields["scores"] = "评分细则中没有这些评分项：" + "、".join(sorted(unknown))
    else:
        bad = [n for n, v in scores.items() if not 0 <= int(v) <= 100]
        if bad:
            fields["scores"] = "得分应在 0 到 100 之间：" + "、".join(sorted(bad))
    if fields:
        raise ValidationFailed(fields=fields)
    total = sum(Decimal(int(scores[c["name"]])) * int(c["weight"]) for c in criteria)
    return (Decimal(total) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Verdict:
    """What the two signed assessments decide: a decision, or None (to the committee)."""

    decision: Decision | None
    rule: str


def decide(rubric: Mapping[str, Any], university: Decimal, enterprise: Decimal) -> Verdict:
    threshold = Decimal(int(rubric["disagreement_threshold"]))
    accept = Decimal(int(rubric["accept_score"]))
    revise = Decimal(int(rubric["revise_score"]))
    gap = abs(university - enterprise)
    if gap > threshold:
        return Verdict(
            None,
            f"两位导师加权总分相差 {gap}，超过分差阈值 {threshold}，提交评议委员会裁定",
        )
    # Compared unrounded (74.995 is below 75); shown to two places.
    exact = (university + enterprise) / 2
    mean = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    if mean != exact:
        mean = exact  # 74.995, not a rounded 75.00 beside “< 75”
    if exact >= accept:
        decision, rule = Decision.ACCEPTED, f"均分 {mean} ≥ 认定分数线 {accept}"
    elif exact >= revise:
        decision, rule = Decision.REVISIONS, f"修改后认定分数线 {revise} ≤ 均分 {mean} < {accept}"
    else:
        decision, rule = Decision.THESIS_REQUIRED, f"均分 {mean} < 修改后认定分数线 {revise}"
    return Verdict(decision, f"{rule}，分差 {gap} ≤ 阈值 {threshold}")


def check_mentors(
    session: Session,
    *,
    student: User,
    university_mentor: User | None,
    enterprise_mentor: User | None,
    enterprise_id: int,
) -> None:
    """The university mentor teaches at the student's university and has no tie to the
    enterprise declared in the conflicts register; the enterprise mentor is a user of the
    enterprise; neither has declared being the student's relative or the enterprise's co-owner."""
    fields: dict[str, str] = {}
    if (
        university_mentor is None
        or not university_mentor.is_active
        or university_mentor.role_enum not in UNIVERSITY_MENTOR_ROLES
        or university_mentor.university_id != student.university_id
    ):
        fields["university_mentor_id"] = "校内导师应为本校在职的导师或科研人员账号"
    if (
        enterprise_mentor is None
        or not enterprise_mentor.is_active
        or enterprise_mentor.role_enum is not Role.ENTERPRISE_USER
        or enterprise_mentor.enterprise_id != enterprise_id
    ):
        fields["enterprise_mentor_id"] = "企业导师应为实践企业的企业用户账号"
    if fields:
        raise ValidationFailed(fields=fields)
    assert university_mentor is not None and enterprise_mentor is not None
    # Ties the university mentor declared with the enterprise (shareholding, a relative's firm,
    # employment…) in the conflicts register: they may not judge the enterprise's practice work.
    clash = conflicting_pairs(session, [(university_mentor.id, enterprise_id)])
    if clash:
        raise MentorConflict(fields={"university_mentor_id": next(iter(clash.values()))})
    found = repository.declared_conflicts(
        session, [university_mentor.id, enterprise_mentor.id], student.id, enterprise_id
    )
    if found:
        which = {
            d.mentor_user_id: (
                "university_mentor_id"
                if d.mentor_user_id == university_mentor.id
                else "enterprise_mentor_id"
            )
            for d in found
        }
        labels = {"relative": "已申报与该学生为亲属", "co_owner": "已申报为该企业共同所有人"}
        raise MentorConflict(
            fields={which[d.mentor_user_id]: labels.get(d.kind, d.kind) for d in found}
        )
