"""Tables of the dual-mentor scheme. The project row is the aggregate: every write to it or to
one of its child rows moves its ``version``, so concurrent writers of one project conflict."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuanggao.accounts.models import User
from shuanggao.db.base import Base, IdMixin, RecordMixin
from shuanggao.db.types import UTCDateTime, utcnow
from shuanggao.enterprises.models import Enterprise
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone


class Rubric(RecordMixin, Base):
    """A university's scoring rubric for practice outcomes and its decision thresholds.

    ``criteria`` is ``[{"name": "学术深度", "weight": 25}, ...]`` (weights sum to 100); each mentor
    scores every criterion 0–100 and the weighted total is their score. Mentors' totals further
    apart than ``disagreement_threshold`` go to the committee (``committee_user_id``, or the
    university's administrators when none is named).
    """

    __tablename__ = "mentoring_rubric"

    university_id: Mapped[int] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), nullable=False, unique=True
    )
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    disagreement_threshold: Mapped[int] = mapped_column(Integer, nullable=False, default=15)
    accept_score: Mapped[int] = mapped_column(Integer, nullable=False, default=75)
    revise_score: Mapped[int] = mapped_column(Integer, nullable=False, default=60)
    committee_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )


class PracticeProject(RecordMixin, Base):
    __tablename__ = "practice_project"

    title: Mapped[str] = mapped_column(String(200), nullable=False)
    student_user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    university_id: Mapped[int] = mapped_column(
        ForeignKey("university.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    # mentoring.schemas.DegreeLevel value.
    degree_level: Mapped[str] = mapped_column(String(30), nullable=False)
    major: Mapped[str] = mapped_column(String(100), nullable=False)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("pairing.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    university_mentor_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    enterprise_mentor_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    university_accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    enterprise_accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # mentoring.schemas.ProjectState value.
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="proposed", index=True)
    start_date: Mapped[dt.date] = mapped_column(nullable=False)
    outcome_due_date: Mapped[dt.date] = mapped_column(nullable=False, index=True)
    plan: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The outcome (mentoring.schemas.OutcomeKind value) once submitted.
    outcome_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    outcome_title: Mapped[str | None] = mapped_column(String(200), nullable=True)
    outcome_summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome_submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The rubric as it was when the outcome was submitted (later edits do not change a case).
    rubric_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # mentoring.schemas.Decision value, the rule that produced it and who recorded it.
    decision: Mapped[str | None] = mapped_column(String(30), nullable=True)
    decision_rule: Mapped[str | None] = mapped_column(String(300), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    student: Mapped[User] = relationship(foreign_keys=[student_user_id], lazy="raise")
    university_mentor: Mapped[User] = relationship(
        foreign_keys=[university_mentor_id], lazy="raise"
    )
    enterprise_mentor: Mapped[User] = relationship(
        foreign_keys=[enterprise_mentor_id], lazy="raise"
    )
    university: Mapped[University] = relationship(lazy="raise")
    enterprise: Mapped[Enterprise] = relationship(lazy="raise")
    zone: Mapped[Zone] = relationship(lazy="raise")


class Milestone(IdMixin, Base):
    __tablename__ = "practice_milestone"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("practice_project.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    due_date: Mapped[dt.date] = mapped_column(nullable=False)
    done_date: Mapped[dt.date | None] = mapped_column(nullable=True)


class ProgressReport(IdMixin, Base):
    """A periodic progress report; each mentor acknowledges (reads) it."""

    __tablename__ = "practice_report"
    __table_args__ = (UniqueConstraint("project_id", "period"),)

    project_id: Mapped[int] = mapped_column(
        ForeignKey("practice_project.id", ondelete="CASCADE"), nullable=False, index=True
    )
    period: Mapped[str] = mapped_column(String(20), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    university_read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    enterprise_read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Meeting(IdMixin, Base):
    __tablename__ = "practice_meeting"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("practice_project.id", ondelete="CASCADE"), nullable=False, index=True
    )
    meeting_date: Mapped[dt.date] = mapped_column(nullable=False)
    attendees: Mapped[str] = mapped_column(String(300), nullable=False)
    minutes: Mapped[str] = mapped_column(Text, nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )


class Evidence(IdMixin, Base):
    """A file supporting the outcome (within the upload cap), kept in the database."""

    __tablename__ = "practice_evidence"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("practice_project.id", ondelete="CASCADE"), nullable=False, index=True
    )
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class Assessment(IdMixin, Base):
    """One mentor's rubric scores of the outcome, comment and signature (``side``: university
    or enterprise)."""

    __tablename__ = "practice_assessment"
    __table_args__ = (UniqueConstraint("project_id", "side"),)

    project_id: Mapped[int] = mapped_column(
        ForeignKey("practice_project.id", ondelete="CASCADE"), nullable=False, index=True
    )
    side: Mapped[str] = mapped_column(String(20), nullable=False)
    mentor_user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="RESTRICT"), nullable=False
    )
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    total: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False)
    scored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Declaration(IdMixin, Base):
    """A declared conflict of a mentor: a relative of a student, or a co-owner of an
    enterprise. A declared mentor cannot be assigned to that student or enterprise."""

    __tablename__ = "mentor_declaration"
    __table_args__ = (
        UniqueConstraint("mentor_user_id", "kind", "student_user_id", "enterprise_id"),
    )

    mentor_user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # "relative" (student_user_id set) or "co_owner" (enterprise_id set).
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    student_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=True, index=True
    )
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), nullable=True, index=True
    )
    note: Mapped[str | None] = mapped_column(String(300), nullable=True)
    declared_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True
    )
    declared_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
