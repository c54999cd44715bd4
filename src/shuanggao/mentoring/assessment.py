"""Use cases of the dual-mentor scheme, part two: the outcome and its evidence, both mentors'
rubric scores and signatures, the committee when they disagree, the decision with the rule that
applied, and the university's rubric. Same write discipline as ``service``."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.db.types import utcnow
from shuanggao.errors import Conflict, Forbidden, NotFound, ValidationFailed, VersionRequired
from shuanggao.mentoring import policy, repository, rules
from shuanggao.mentoring.errors import NotShared, WrongState
from shuanggao.mentoring.models import Assessment, Evidence, PracticeProject, Rubric
from shuanggao.mentoring.schemas import (
    CommitteeDecision,
    OutcomeSubmit,
    ProjectState,
    RubricRead,
    RubricWrite,
    ScoreSubmit,
)
from shuanggao.mentoring.service import bump, for_write, get_project, record, require_state

MAX_EVIDENCE_FILES = 10
MAX_FILENAME = 200


def submit_outcome(
    session: Session, actor: Actor, project_id: int, data: OutcomeSubmit
) -> PracticeProject:
    """The student submits the outcome: the rubric of the university is frozen for the case."""
    project = for_write(session, actor, project_id, data.version)
    if actor.user_id != project.student_user_id:
        raise Forbidden("只有学生本人可以提交实践成果。")
    require_state(project, ProjectState.ACTIVE)
    if not repository.evidence(session, project.id):
        raise ValidationFailed(fields={"evidence": "请先上传至少一份成果佐证材料"})
    project.outcome_kind = data.outcome_kind.value
    project.outcome_title = data.outcome_title.strip()
    project.outcome_summary = data.outcome_summary.strip()
    project.outcome_submitted_at = utcnow()
    project.rubric_snapshot = rules.rubric_snapshot(
        repository.rubric_of(session, project.university_id)
    )
    project.state = ProjectState.SUBMITTED.value
    bump(session, project)
    record(
        session, actor, project, "submit", "提交实践成果",
        {"outcome_kind": project.outcome_kind, "outcome_title": project.outcome_title},
    )  # fmt: skip
    return project


def add_evidence(
    session: Session,
    actor: Actor,
    project_id: int,
    version: int | None,
    *,
    filename: str,
    content_type: str,
    content: bytes,
    max_bytes: int,
) -> Evidence:
    """A file supporting the outcome, within the upload cap; only before scoring starts."""
    project = for_write(session, actor, project_id, version)
    if actor.user_id != project.student_user_id:
        raise Forbidden("只有学生本人可以上传成果佐证材料。")
    require_state(project, ProjectState.ACTIVE)
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        raise ValidationFailed(fields={"file": "请选择要上传的文件"})
    if not content:
        raise ValidationFailed(fields={"file": f"文件“{name}”是空的"})
    if len(content) > max_bytes:
        raise ValidationFailed(
            fields={"file": f"文件“{name}”超过上传上限 {max_bytes // (1024 * 1024)} MB"}
        )
    if len(repository.evidence(session, project.id)) >= MAX_EVIDENCE_FILES:
        raise ValidationFailed(fields={"file": f"每个项目最多上传 {MAX_EVIDENCE_FILES} 份材料"})
    row = Evidence(
        project_id=project.id,
        filename=name[:MAX_FILENAME],
        content_type=(content_type or "application/octet-stream")[:100],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    session.add(row)
    bump(session, project)
    record(
        session, actor, project, "evidence", "上传成果佐证材料",
        {"filename": row.filename, "size": row.size, "sha256": row.sha256},
    )  # fmt: skip
    return row


def evidence_file(session: Session, actor: Actor, project_id: int, evidence_id: int) -> Evidence:
    project = get_project(session, actor, project_id)
    row = repository.evidence_file(session, project.id, evidence_id)
    if row is None:
        raise NotFound()
    if policy.record_withheld(actor, project):
        raise NotShared()
    return row


def score(session: Session, actor: Actor, project_id: int, data: ScoreSubmit) -> Assessment:
    """A mentor scores the outcome on the frozen rubric (again, until they sign)."""
    project = for_write(session, actor, project_id, data.version)
    side = policy.side_of(actor, project)
    if side is None:
        raise Forbidden("只有本项目的导师可以评分。")
    require_state(project, ProjectState.SUBMITTED)
    assert project.rubric_snapshot is not None
    total = rules.weighted_total(project.rubric_snapshot, data.scores)
    row = repository.assessment(session, project.id, side)
    if row is not None and row.signed_at is not None:
        raise WrongState("您已签字确认评分，不能再修改。")
    if row is None:
        row = Assessment(project_id=project.id, side=side, mentor_user_id=actor.user_id)
        session.add(row)
    row.scores = {k: int(v) for k, v in data.scores.items()}
    row.total = total
    row.comment = data.comment.strip()
    row.scored_at = utcnow()
    bump(session, project)
    record(
        session, actor, project, "score", "导师评分",
        {"side": side, "scores": row.scores, "total": str(total)},
    )  # fmt: skip
    return row


def sign(session: Session, actor: Actor, project_id: int, version: int | None) -> PracticeProject:
    """A mentor signs their assessment. When both have signed the rule decides, or the case
    goes to the committee when the totals are too far apart."""
    project = for_write(session, actor, project_id, version)
    side = policy.side_of(actor, project)
    if side is None:
        raise Forbidden("只有本项目的导师可以签字。")
    require_state(project, ProjectState.SUBMITTED)
    row = repository.assessment(session, project.id, side)
    if row is None:
        raise WrongState("请先评分再签字。")
    if row.signed_at is not None:
        raise WrongState("您已签字。")
    row.signed_at = utcnow()
    after: dict[str, Any] = {"side": side}
    both = {a.side: a for a in repository.assessments(session, project.id)}
    if all(s in both and both[s].signed_at is not None for s in ("university", "enterprise")):
        assert project.rubric_snapshot is not None
        verdict = rules.decide(
            project.rubric_snapshot, both["university"].total, both["enterprise"].total
        )
        project.decision_rule = verdict.rule
        if verdict.decision is None:
            project.state = ProjectState.COMMITTEE.value
        else:
            project.state = ProjectState.DECIDED.value
            project.decision = verdict.decision.value
            project.decided_at = utcnow()
        after.update(decision=project.decision, decision_rule=project.decision_rule)
    bump(session, project)
    record(session, actor, project, "sign", "导师签字", after)
    return project


def committee_decide(
    session: Session, actor: Actor, project_id: int, data: CommitteeDecision
) -> PracticeProject:
    project = for_write(session, actor, project_id, data.version)
    rubric = repository.rubric_of(session, project.university_id)
    if not policy.is_committee(actor, project, rubric):
        raise Forbidden("只有评议委员会成员可以裁定。")
    require_state(project, ProjectState.COMMITTEE)
    project.decision = data.decision.value
    project.decision_rule = f"{project.decision_rule}；评议委员会裁定：{data.decision.label}"
    project.decision_note = data.note.strip()
    project.decided_by_id = actor.user_id
    project.decided_at = utcnow()
    project.state = ProjectState.DECIDED.value
    bump(session, project)
    record(
        session, actor, project, "decide", "评议委员会裁定",
        {"decision": project.decision, "decision_rule": project.decision_rule},
    )  # fmt: skip
    return project


def _rubric_read(university_id: int, rubric: Rubric | None) -> RubricRead:
    snap = rules.rubric_snapshot(rubric)
    return RubricRead(
        university_id=university_id,
        criteria=snap["criteria"],
        disagreement_threshold=snap["disagreement_threshold"],
        accept_score=snap["accept_score"],
        revise_score=snap["revise_score"],
        committee_user_id=snap["committee_user_id"],
        version=None if rubric is None else rubric.version,
        is_default=rubric is None,
    )


def _rubric_scope(actor: Actor, university_id: int) -> None:
    if actor.sees_everything or actor.university_id == university_id:
        return
    raise NotFound()


def get_rubric(session: Session, actor: Actor, university_id: int) -> RubricRead:
    _rubric_scope(actor, university_id)
    return _rubric_read(university_id, repository.rubric_of(session, university_id))


def set_rubric(session: Session, actor: Actor, university_id: int, data: RubricWrite) -> RubricRead:
    """The university's administrator configures its rubric (criteria, weights, thresholds and
    the committee member). Cases already submitted keep the rubric they were submitted under."""
    _rubric_scope(actor, university_id)
    if not (
        actor.is_province
        or (actor.role is Role.UNIVERSITY_ADMIN and actor.university_id == university_id)
    ):
        raise Forbidden("只有高校管理员可以设置评分细则。")
    criteria = [c.model_dump() for c in data.criteria]
    rules.check_rubric(criteria, data.accept_score, data.revise_score)
    if data.committee_user_id is not None:
        member = repository.get_user(session, data.committee_user_id)
        if (
            member is None
            or member.university_id != university_id
            or member.role_enum not in (Role.MENTOR, Role.RESEARCHER, Role.UNIVERSITY_ADMIN)
        ):
            raise ValidationFailed(fields={"committee_user_id": "评议委员应为本校教师或管理员账号"})
    rubric = repository.rubric_of(session, university_id)
    if rubric is None:
        rubric = Rubric(university_id=university_id)
        session.add(rubric)
    else:
        if data.version is None:
            raise VersionRequired(extra={"current_version": rubric.version})
        if data.version != rubric.version:
            raise Conflict(extra={"current_version": rubric.version})
        rubric.version = rubric.version + 1
    rubric.criteria = criteria
    rubric.disagreement_threshold = data.disagreement_threshold
    rubric.accept_score = data.accept_score
    rubric.revise_score = data.revise_score
    rubric.committee_user_id = data.committee_user_id
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict() from exc
    audit.record(
        session,
        actor,
        "update",
        "mentoring_rubrics",
        rubric.id,
        summary="设置双导师成果评分细则",
        after={
            "university_id": university_id,
            "criteria": criteria,
            "disagreement_threshold": data.disagreement_threshold,
            "accept_score": data.accept_score,
            "revise_score": data.revise_score,
            "committee_user_id": data.committee_user_id,
        },
    )
    return _rubric_read(university_id, rubric)
