"""API schemas and enums of the dual-mentor scheme."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from shuanggao.kit.enums import LabeledEnum, labeled


class DegreeLevel(LabeledEnum):
    PROFESSIONAL_MASTER = ("professional_master", "专业学位硕士")
    ACADEMIC_MASTER = ("academic_master", "学术学位硕士")
    PROFESSIONAL_DOCTOR = ("professional_doctor", "专业学位博士")
    BACHELOR = ("bachelor", "本科")


class ProjectState(LabeledEnum):
    PROPOSED = ("proposed", "待导师确认")
    ACTIVE = ("active", "实践中")
    SUBMITTED = ("submitted", "成果评审中")
    COMMITTEE = ("committee", "提交评议委员会")
    DECIDED = ("decided", "已认定")


class OutcomeKind(LabeledEnum):
    PRODUCT = ("product", "产品")
    PROCESS = ("process", "工艺")
    PATENT = ("patent", "专利")
    STANDARD = ("standard", "标准")
    REPORT = ("report", "研究报告")
    SOFTWARE = ("software", "软件")
    DATASET = ("dataset", "数据集")
    DESIGN = ("design", "设计方案")


class Decision(LabeledEnum):
    ACCEPTED = ("accepted", "认定为学位论文替代成果")
    REVISIONS = ("revisions", "修改后认定")
    THESIS_REQUIRED = ("thesis_required", "仍须撰写学位论文")


class Side(LabeledEnum):
    UNIVERSITY = ("university", "校内导师")
    ENTERPRISE = ("enterprise", "企业导师")


class DeclarationKind(LabeledEnum):
    RELATIVE = ("relative", "与学生为亲属")
    CO_OWNER = ("co_owner", "为企业共同所有人")


DegreeField = Annotated[DegreeLevel, labeled(DegreeLevel)]
OutcomeField = Annotated[OutcomeKind, labeled(OutcomeKind)]
DecisionField = Annotated[Decision, labeled(Decision)]
DeclarationField = Annotated[DeclarationKind, labeled(DeclarationKind)]

# A project write names the version it was read at (428 without it, 409 when stale).
Version = Annotated[int | None, Field(default=None, ge=1)]


class ProjectCreate(BaseModel):
    title: str = Field(min_length=4, max_length=200)
    degree_level: DegreeField
    major: str = Field(min_length=2, max_length=100)
    enterprise_id: int = Field(ge=1)
    university_mentor_id: int = Field(ge=1)
    enterprise_mentor_id: int = Field(ge=1)
    start_date: dt.date
    outcome_due_date: dt.date
    plan: str | None = Field(default=None, max_length=5000)

    @field_validator("outcome_due_date")
    @classmethod
    def _after_start(cls, value: dt.date, info: object) -> dt.date:
        start = getattr(info, "data", {}).get("start_date")
        if start is not None and value <= start:
            raise ValueError("成果提交截止日期应晚于开始日期")
        return value


class VersionOnly(BaseModel):
    version: Version


class MilestoneCreate(BaseModel):
    version: Version
    title: str = Field(min_length=2, max_length=200)
    due_date: dt.date


class ReportCreate(BaseModel):
    version: Version
    period: str = Field(min_length=4, max_length=20, description="报告期，如 2026-11")
    content: str = Field(min_length=10, max_length=10000)


class MeetingCreate(BaseModel):
    version: Version
    meeting_date: dt.date
    attendees: str = Field(min_length=2, max_length=300)
    minutes: str = Field(min_length=4, max_length=10000)


class OutcomeSubmit(BaseModel):
    version: Version
    outcome_kind: OutcomeField
    outcome_title: str = Field(min_length=4, max_length=200)
    outcome_summary: str = Field(min_length=10, max_length=10000)


class ScoreSubmit(BaseModel):
    version: Version
    scores: dict[str, int] = Field(description="各评分项得分（0–100），键为评分项名称")
    comment: str = Field(min_length=4, max_length=5000)


class CommitteeDecision(BaseModel):
    version: Version
    decision: DecisionField
    note: str = Field(min_length=4, max_length=5000)


class DeclarationCreate(BaseModel):
    mentor_user_id: int = Field(ge=1)
    kind: DeclarationField
    student_user_id: int | None = Field(default=None, ge=1)
    enterprise_id: int | None = Field(default=None, ge=1)
    note: str | None = Field(default=None, max_length=300)


class Criterion(BaseModel):
    name: str = Field(min_length=2, max_length=30)
    weight: int = Field(ge=1, le=100)


class RubricWrite(BaseModel):
    version: Version
    criteria: list[Criterion] = Field(min_length=1, max_length=12)
    disagreement_threshold: int = Field(default=15, ge=1, le=100)
    accept_score: int = Field(default=75, ge=1, le=100)
    revise_score: int = Field(default=60, ge=1, le=100)
    committee_user_id: int | None = Field(default=None, ge=1)


class RubricRead(BaseModel):
    university_id: int
    criteria: list[Criterion]
    disagreement_threshold: int
    accept_score: int
    revise_score: int
    committee_user_id: int | None
    version: int | None
    is_default: bool


class PersonRead(BaseModel):
    user_id: int
    name: str


class MilestoneRead(BaseModel):
    id: int
    title: str
    due_date: dt.date
    done_date: dt.date | None
    overdue: bool


class ReportRead(BaseModel):
    id: int
    period: str
    content: str
    submitted_at: dt.datetime
    university_read_at: dt.datetime | None
    enterprise_read_at: dt.datetime | None


class MeetingRead(BaseModel):
    id: int
    meeting_date: dt.date
    attendees: str
    minutes: str


class EvidenceRead(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class AssessmentRead(BaseModel):
    side: str
    side_label: str
    mentor: PersonRead
    scores: dict[str, int]
    total: Decimal
    comment: str
    scored_at: dt.datetime
    signed_at: dt.datetime | None


class ProjectSummary(BaseModel):
    id: int
    version: int
    title: str
    state: str
    state_label: str
    student: PersonRead
    university_id: int
    university_name: str
    enterprise_id: int
    enterprise_name: str
    zone_id: int
    zone_name: str
    pairing_id: int
    outcome_due_date: dt.date


class ProjectRead(ProjectSummary):
    degree_level: str
    degree_label: str
    major: str
    start_date: dt.date
    plan: str | None
    university_mentor: PersonRead
    enterprise_mentor: PersonRead
    university_accepted_at: dt.datetime | None
    enterprise_accepted_at: dt.datetime | None
    outcome_kind: str | None
    outcome_title: str | None
    outcome_summary: str | None
    outcome_submitted_at: dt.datetime | None
    rubric: dict[str, object] | None
    decision: str | None
    decision_label: str | None
    decision_rule: str | None
    decision_note: str | None
    decided_by: PersonRead | None
    decided_at: dt.datetime | None
    milestones: list[MilestoneRead]
    reports: list[ReportRead]
    meetings: list[MeetingRead]
    evidence: list[EvidenceRead]
    assessments: list[AssessmentRead]
    deadlines: list[tuple[str, dt.date]]
    # False for the enterprise mentor while the student has not consented to sharing the
    # practice record (``personal.PRACTICE_TO_MENTOR``): the record's parts are left out.
    record_shared: bool = True
