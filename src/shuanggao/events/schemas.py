"""Schemas of matchmaking events: input shapes and what the API returns."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shuanggao.demand.schemas import Visibility as Visibility
from shuanggao.demand.schemas import VisibilityField
from shuanggao.kit.enums import LabeledEnum, labeled
from shuanggao.kit.validation import CleanInput

DbId = Annotated[int, Field(ge=1, le=2_147_483_647)]
MAX_SLOTS = 48
MAX_TABLES = 500
MAX_CAP = 48


class Side(LabeledEnum):
    ENTERPRISE = ("enterprise", "企业")
    RESEARCHER = ("researcher", "科研人员")


class RegistrationStatus(LabeledEnum):
    PENDING = ("pending", "待审核")
    APPROVED = ("approved", "已通过")
    REJECTED = ("rejected", "未通过")


class Outcome(LabeledEnum):
    INTENTION = ("intention", "有意向")
    FOLLOW_UP = ("follow_up", "需再沟通")
    UNSUITABLE = ("unsuitable", "不合适")


class MeetingOrigin(LabeledEnum):
    OPTIMISER = ("optimiser", "排程")
    REQUESTED = ("requested", "指定洽谈")
    INTAKE = ("intake", "现场登记")


def _labels(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        v = " ".join(v.split())
        if not v:
            continue
        if len(v) > 40:
            raise ValueError(f"“{v[:10]}…”太长（最多 40 个字符）")
        if v in out:
            raise ValueError(f"“{v}”重复")
        out.append(v)
    if not out:
        raise ValueError("至少填写一项")
    return out


Labels = Annotated[list[str], AfterValidator(_labels)]


class EventCreate(CleanInput):
    title: str = Field(min_length=2, max_length=200)
    event_date: dt.date
    place: str | None = Field(default=None, max_length=200)
    is_online: bool = False
    # Filled from the organiser's own tenant when a zone or university administrator creates it.
    organiser_zone_id: DbId | None = None
    organiser_university_id: DbId | None = None
    zone_ids: list[DbId] = Field(default_factory=list, max_length=200)
    university_ids: list[DbId] = Field(default_factory=list, max_length=200)
    slots: Labels = Field(max_length=MAX_SLOTS)
    tables: Labels = Field(max_length=MAX_TABLES)
    meeting_cap: int = Field(default=4, ge=1, le=MAX_CAP)
    note: str | None = Field(default=None, max_length=5000)


class RegistrationCreate(CleanInput):
    side: Annotated[Side, labeled(Side)]
    enterprise_id: DbId | None = None
    university_id: DbId | None = None
    researcher_name: str | None = Field(default=None, max_length=50)
    researcher_user_id: DbId | None = None
    demand_ids: list[DbId] = Field(default_factory=list, max_length=50)
    supply_item_ids: list[DbId] = Field(default_factory=list, max_length=50)
    requested_ids: list[DbId] = Field(default_factory=list, max_length=20)


class Decision(CleanInput):
    approve: bool
    version: int | None = None


class OutcomeUpdate(CleanInput):
    outcome: Annotated[Outcome, labeled(Outcome)]
    reason: str | None = Field(default=None, max_length=2000)
    version: int | None = None


class IntakeCreate(CleanInput):
    """A need typed at the event: saved as a demand of the enterprise and, with a supply item
    of a researcher present, booked as a meeting in the first free slot."""

    enterprise_registration_id: DbId
    title: str = Field(min_length=2, max_length=200)
    description: str = Field(default="", max_length=20000)
    visibility: VisibilityField = Visibility.PUBLIC
    supply_item_id: DbId | None = None


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    event_date: dt.date
    place: str | None
    is_online: bool
    organiser_zone_id: int | None
    organiser_university_id: int | None
    organiser_name: str
    zone_ids: list[int]
    university_ids: list[int]
    slots: list[str]
    tables: list[str]
    meeting_cap: int
    note: str | None
    version: int


class RegistrationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int
    side: str
    label: str
    enterprise_id: int | None
    university_id: int | None
    researcher_name: str | None
    researcher_user_id: int | None
    demand_ids: list[int]
    supply_item_ids: list[int]
    requested_ids: list[int]
    status: str
    checked_in_at: dt.datetime | None
    version: int


class MeetingRead(BaseModel):
    id: int
    slot: int
    slot_label: str
    table_no: int
    table_label: str
    enterprise_registration_id: int
    enterprise: str
    researcher_registration_id: int
    researcher: str
    demand_id: int | None
    demand_title: str | None
    supply_item_id: int | None
    supply_item_title: str | None
    score: float
    origin: str
    outcome: str | None
    outcome_label: str | None
    outcome_reason: str | None
    outcome_by: str | None
    outcome_at: dt.datetime | None
    version: int


class ScheduleSummary(BaseModel):
    """The schedule's figures: the first four keys are the ones the CLI prints first."""

    meetings: int
    total_score: float
    greedy_total_score: float
    clashes: int
    greedy_meetings: int | None = None
    requested: int = 0
    dropped_requests: int = 0
    excluded_pairs: int = 0
    solve_seconds: float | None = None


class Suggestion(BaseModel):
    supply_item_id: int
    title: str
    owner: str | None
    university: str
    score: float
    present: bool
    researcher_registration_id: int | None = None


class IntakeResult(BaseModel):
    demand_id: int
    meeting_id: int | None
    slot_label: str | None
    table_label: str | None
    note: str | None = None


class GroupCount(BaseModel):
    name: str
    meetings: int
    held: int
    intentions: int


class UnansweredNeed(BaseModel):
    demand_id: int
    title: str
    enterprise: str


class EventReport(BaseModel):
    event_id: int
    title: str
    registrations: int
    checked_in: int
    meetings: int
    held: int
    intentions: int
    follow_ups: int
    unsuitable: int
    by_zone: list[GroupCount]
    by_university: list[GroupCount]
    unanswered: list[UnansweredNeed]
