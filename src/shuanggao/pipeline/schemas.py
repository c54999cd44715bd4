"""Stages, origins and the API schemas of collaborations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shuanggao.kit.enums import LabeledEnum, labeled
from shuanggao.kit.validation import CleanInput
from shuanggao.pairings.schemas import RefId


class Stage(LabeledEnum):
    INTENT = ("intent", "有意向")
    CONTACTED = ("contacted", "已联系")
    ENGAGED = ("engaged", "已对接")
    INTENT_SIGNED = ("intent_signed", "签订意向")
    CONTRACT_SIGNED = ("contract_signed", "签订合同")
    PROJECT_APPROVED = ("project_approved", "立项")


STAGES: tuple[Stage, ...] = tuple(Stage)
# Reaching one of these creates (or links) the joint R&D project.
PROJECT_STAGES = frozenset({Stage.CONTRACT_SIGNED, Stage.PROJECT_APPROVED})


def stage_index(stage: str) -> int:
    return [s.value for s in STAGES].index(stage)


class Origin(LabeledEnum):
    MATCH = ("match", "供需匹配")
    MEETING = ("meeting", "对接会会谈")
    MANUAL = ("manual", "直接对接")


class Status(LabeledEnum):
    ACTIVE = ("active", "推进中")
    DECLINED = ("declined", "已终止")
    DONE = ("done", "已立项")


class Side(LabeledEnum):
    ENTERPRISE = ("enterprise", "企业方")
    UNIVERSITY = ("university", "高校方")
    ADMIN = ("admin", "管理方")


StageField = Annotated[Stage, labeled(Stage)]
Note = Annotated[str | None, Field(default=None, max_length=2000)]
Owner = Annotated[str | None, Field(default=None, max_length=100)]


class StartFromMatch(CleanInput):
    match_id: RefId | None = None
    demand_id: RefId | None = None
    supply_item_id: RefId | None = None
    note: Note = None


class Advance(CleanInput):
    version: int | None = None
    # The stage reached: the next one (omitted: the next one).
    stage: StageField | None = None
    happened_date: dt.date | None = None
    owner: Owner = None
    note: Note = None
    # Link an existing project instead of creating one (签订合同 / 立项 only).
    project_id: RefId | None = None


class Decline(CleanInput):
    version: int | None = None
    reason: str = Field(min_length=2, max_length=500)
    happened_date: dt.date | None = None


class Confidentiality(CleanInput):
    version: int | None = None
    signed_date: dt.date | None = None
    note: Note = None


class SideView(CleanInput):
    version: int | None = None
    stage: StageField
    note: Note = None


class LinkConsortium(CleanInput):
    version: int | None = None
    consortium_id: RefId | None = None


class StepRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    stage: str | None
    side: str
    happened_date: dt.date
    owner: str | None
    note: str | None
    actor_name: str


class CollaborationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    title: str
    origin: str
    stage: str
    stage_label: str
    status: str
    demand_id: int
    supply_item_id: int
    match_id: int | None
    meeting_id: int | None
    event_id: int | None
    enterprise_id: int
    university_id: int
    zone_id: int
    pairing_id: int | None
    consortium_id: int | None
    project_id: int | None
    confidential: bool
    nda_date: dt.date | None
    decline_stage: str | None
    decline_reason: str | None
    declined_date: dt.date | None
    enterprise_view_stage: str | None
    enterprise_view_note: str | None
    university_view_stage: str | None
    university_view_note: str | None
    stage_dates: dict[str, dt.date | None]
    steps: list[StepRead] = Field(default_factory=list)


class CollaborationList(BaseModel):
    items: list[CollaborationRead]
    total: int
