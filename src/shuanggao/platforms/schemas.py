"""API schemas of co-built platforms."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field

from shuanggao.kit.enums import LabeledEnum, labeled
from shuanggao.kit.validation import CleanInput
from shuanggao.pairings.schemas import RefId, UniqueIds
from shuanggao.programme.enums import TaskArea
from shuanggao.zones.schemas import IndustryCodes


class PlatformKind(LabeledEnum):
    JOINT_LAB = ("joint_lab", "联合实验室")
    NEW_RD_INSTITUTE = ("new_rd_institute", "新型研发机构")
    PROOF_OF_CONCEPT = ("proof_of_concept", "概念验证中心")
    PILOT_SCALE = ("pilot_scale", "中试平台")
    INDUSTRY_COLLEGE = ("industry_college", "产业学院")
    GRADUATE_WORKSTATION = ("graduate_workstation", "研究生工作站")
    OTHER = ("other", "其他")


class PlatformLevel(LabeledEnum):
    NATIONAL = ("national", "国家级")
    PROVINCIAL = ("provincial", "省级")
    MUNICIPAL = ("municipal", "市级")
    DISTRICT = ("district", "区级")
    UNIVERSITY = ("university", "校级")


def _empty_to_none(raw: object) -> object:
    return None if isinstance(raw, str) and not raw.strip() else raw


KindField = Annotated[PlatformKind, labeled(PlatformKind)]
LevelField = Annotated[
    PlatformLevel | None, BeforeValidator(_empty_to_none), labeled(PlatformLevel)
]
TaskAreaField = Annotated[TaskArea | None, BeforeValidator(_empty_to_none), labeled(TaskArea)]


class PlatformBase(CleanInput):
    name: str = Field(min_length=2, max_length=200)
    zone_id: RefId
    pairing_id: RefId | None = None
    kind: KindField
    level: LevelField = None
    established_date: dt.date | None = None
    industry_direction: str | None = Field(default=None, max_length=2000)
    industry_codes: IndustryCodes = Field(default_factory=list)
    task_area: TaskAreaField = None
    description: str | None = None
    shared_instruments: int = Field(default=0, ge=0, le=1_000_000)
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None


class PlatformCreate(PlatformBase):
    # The universities co-building the platform (at least one).
    university_ids: UniqueIds = Field(min_length=1)


class PlatformUpdate(CleanInput):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    zone_id: RefId | None = None
    university_ids: UniqueIds | None = Field(default=None, min_length=1)
    pairing_id: RefId | None = None
    kind: KindField | None = None
    level: LevelField = None
    established_date: dt.date | None = None
    industry_direction: str | None = Field(default=None, max_length=2000)
    industry_codes: IndustryCodes | None = None
    task_area: TaskAreaField = None
    description: str | None = None
    shared_instruments: int | None = Field(default=None, ge=0, le=1_000_000)
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None
    version: int | None = None


class PlatformRead(PlatformBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    zone_name: str
    university_ids: list[int]
    university_names: list[str]
