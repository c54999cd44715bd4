"""API schemas of joint R&D projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from shuanggao.kit.enums import LabeledEnum, labeled
from shuanggao.kit.validation import CleanInput
from shuanggao.pairings.schemas import RefId, UniqueIds
from shuanggao.programme.enums import TaskArea


class ProjectKind(LabeledEnum):
    JOINT_RESEARCH = ("joint_research", "联合攻关")
    COMMISSIONED = ("commissioned", "委托开发")
    TRANSFER = ("transfer", "成果转化")
    JOINT_LAB = ("joint_lab", "共建实验室")
    TECHNICAL_SERVICE = ("technical_service", "技术服务")
    OTHER = ("other", "其他")


class ProjectOrigin(LabeledEnum):
    MATCH = ("match", "供需匹配")
    MEETING = ("meeting", "对接会会谈")
    MANUAL = ("manual", "直接对接")


class ProjectStatus(LabeledEnum):
    APPROVED = ("approved", "立项")
    ONGOING = ("ongoing", "在研")
    COMPLETED = ("completed", "结题")
    TERMINATED = ("terminated", "终止")


def _empty_to_none(raw: object) -> object:
    return None if isinstance(raw, str) and not raw.strip() else raw


KindField = Annotated[ProjectKind, labeled(ProjectKind)]
StatusField = Annotated[ProjectStatus, labeled(ProjectStatus)]
TaskAreaField = Annotated[TaskArea | None, BeforeValidator(_empty_to_none), labeled(TaskArea)]
# Yuan with at most two decimals (fen); up to 10^14 yuan.
Budget = Annotated[Decimal | None, Field(ge=0, max_digits=16, decimal_places=2)]

END_BEFORE_START = "结束日期不能早于开始日期"


def _check_end(end: dt.date | None, info: ValidationInfo) -> dt.date | None:
    start = info.data.get("start_date")
    if end is not None and start is not None and end < start:
        raise ValueError(END_BEFORE_START)
    return end


class ProjectBase(CleanInput):
    title: str = Field(min_length=2, max_length=300)
    zone_id: RefId
    university_id: RefId
    pairing_id: RefId | None = None
    task_area: TaskAreaField = None
    kind: KindField
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget: Budget = None
    status: StatusField = ProjectStatus.APPROVED
    is_benchmark: bool = False
    university_leader: str | None = Field(default=None, max_length=100)
    enterprise_leader: str | None = Field(default=None, max_length=100)
    description: str | None = None
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None


class ProjectCreate(ProjectBase):
    enterprise_ids: UniqueIds = Field(default_factory=list)

    _end_after_start = field_validator("end_date")(_check_end)


class ProjectUpdate(CleanInput):
    title: str | None = Field(default=None, min_length=2, max_length=300)
    zone_id: RefId | None = None
    university_id: RefId | None = None
    pairing_id: RefId | None = None
    enterprise_ids: UniqueIds | None = None
    task_area: TaskAreaField = None
    kind: KindField | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget: Budget = None
    status: StatusField | None = None
    is_benchmark: bool | None = None
    university_leader: str | None = Field(default=None, max_length=100)
    enterprise_leader: str | None = Field(default=None, max_length=100)
    description: str | None = None
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None
    version: int | None = None

    _end_after_start = field_validator("end_date")(_check_end)


class ProjectRead(ProjectBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    zone_name: str
    university_name: str
    enterprise_ids: list[int]
    enterprise_names: list[str]
    # Set by the collaboration pipeline (read-only): what began the project.
    origin: str | None = None
    origin_collaboration_id: int | None = None
    origin_match_id: int | None = None
    origin_meeting_id: int | None = None
