"""API schemas of pairings (结对), their 五个一 board and the coverage figures."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from shuanggao.kit.enums import LabeledEnum, labeled
from shuanggao.kit.validation import CleanInput
from shuanggao.programme.enums import Batch, FiveOneKind, ProgressStatus
from shuanggao.zones.schemas import EmergingCodes, IndustryCodes


def one_of(enum_cls: type[LabeledEnum]) -> str:
    """Column help listing an enum's Chinese labels: ``甲、乙或丙``."""
    labels = enum_cls.labels()
    return labels[0] if len(labels) == 1 else "、".join(labels[:-1]) + "或" + labels[-1]


class PairingStatus(LabeledEnum):
    PREPARING = ("preparing", "筹备")
    ACTIVE = ("active", "实施中")
    TERMINATED = ("terminated", "已终止")


def _unique_ids(ids: list[int]) -> list[int]:
    out: list[int] = []
    for i in ids:
        if i not in out:
            out.append(i)
    return out


# A reference to another row: a positive id within the database's integer range (a larger
# number is refused as a field error rather than overflowing the driver).
RefId = Annotated[int, Field(ge=1, le=2_147_483_647)]
UniqueIds = Annotated[list[RefId], AfterValidator(_unique_ids)]
BatchField = Annotated[Batch, labeled(Batch)]
StatusField = Annotated[PairingStatus, labeled(PairingStatus)]
KindField = Annotated[FiveOneKind, labeled(FiveOneKind)]
ProgressField = Annotated[ProgressStatus, labeled(ProgressStatus)]


def _check_lead(lead: int | None, info: ValidationInfo) -> int | None:
    university_ids = info.data.get("university_ids")
    if university_ids is not None and lead is not None and lead not in university_ids:
        raise ValueError("牵头高校必须是结对高校之一")
    return lead


def _check_unknown(unknown: bool | None, info: ValidationInfo) -> bool | None:
    if unknown and info.data.get("lead_university_id") is not None:
        raise ValueError("已填写牵头高校时不能标记为“牵头高校未知”")
    return unknown


class PairingBase(CleanInput):
    zone_id: RefId
    batch: BatchField
    start_date: dt.date | None = None
    status: StatusField = PairingStatus.PREPARING
    industry_direction: str | None = Field(default=None, max_length=2000)
    industry_codes: IndustryCodes = Field(default_factory=list)
    emerging_codes: EmergingCodes = Field(default_factory=list)
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None


class PairingCreate(PairingBase):
    # The first listed university is the lead unless ``lead_university_id`` says otherwise.
    university_ids: UniqueIds = Field(min_length=1)
    lead_university_id: RefId | None = None
    # True when no source says which university leads: no lead is marked (never invented).
    lead_unknown: bool = False

    _lead_is_member = field_validator("lead_university_id")(_check_lead)
    _unknown_without_lead = field_validator("lead_unknown")(_check_unknown)


class PairingUpdate(CleanInput):
    zone_id: RefId | None = None
    university_ids: UniqueIds | None = Field(default=None, min_length=1)
    lead_university_id: RefId | None = None
    lead_unknown: bool | None = None
    batch: BatchField | None = None
    start_date: dt.date | None = None
    status: StatusField | None = None
    industry_direction: str | None = Field(default=None, max_length=2000)
    industry_codes: IndustryCodes | None = None
    emerging_codes: EmergingCodes | None = None
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None
    version: int | None = None

    _lead_is_member = field_validator("lead_university_id")(_check_lead)
    _unknown_without_lead = field_validator("lead_unknown")(_check_unknown)


class PairingRead(PairingBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    title: str
    zone_name: str
    zone_city: str
    university_ids: list[int]
    university_names: list[str]
    lead_university_id: int | None


class PilotElementBase(CleanInput):
    pairing_id: RefId
    kind: KindField
    title: str = Field(min_length=1, max_length=200)
    status: ProgressField = ProgressStatus.NOT_STARTED
    owner: str | None = Field(default=None, max_length=200)
    evidence: str | None = None
    evidence_url: str | None = Field(default=None, max_length=1000)
    status_date: dt.date | None = None
    note: str | None = None


class PilotElementCreate(PilotElementBase):
    pass


class PilotElementUpdate(CleanInput):
    pairing_id: RefId | None = None
    kind: KindField | None = None
    title: str | None = Field(default=None, min_length=1, max_length=200)
    status: ProgressField | None = None
    owner: str | None = Field(default=None, max_length=200)
    evidence: str | None = None
    evidence_url: str | None = Field(default=None, max_length=1000)
    status_date: dt.date | None = None
    note: str | None = None
    version: int | None = None


class PilotElementRead(PilotElementBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    pairing_title: str
    zone_id: RefId
    zone_name: str


class BoardSlot(CleanInput):
    """One of the five 五个一 slots with its items; an empty slot is 未启动."""

    kind: FiveOneKind
    kind_label: str
    status: ProgressStatus
    status_label: str
    items: list[PilotElementRead]


class BoardRead(CleanInput):
    pairing: PairingRead
    slots: list[BoardSlot]
    landed: int = Field(description="已落地的“五个一”数量（0–5）")


class BoardSummarySlot(CleanInput):
    kind: FiveOneKind
    status: ProgressStatus
    items: int


class BoardSummary(CleanInput):
    """One pairing's row of the 五个一 progress matrix."""

    pairing_id: int
    title: str
    zone_id: int
    zone_name: str
    batch: Batch
    status: PairingStatus
    slots: list[BoardSummarySlot]
    landed: int


class CoverageZone(CleanInput):
    id: int
    name: str
    city: str
    level: str


class CoverageGroup(CleanInput):
    key: str
    total: int
    paired: int
    unpaired: int


class CoverageRead(CleanInput):
    as_of: dt.date
    target_year: int
    zones_total: int
    zones_paired: int
    zones_unpaired: int = Field(description="未结对（含尚未登记）的高新区数")
    zones_registered: int = Field(description="已登记的省级及以上高新区数")
    zones_unregistered: int = Field(description="规划总数中尚未登记的高新区数")
    target_source: str | None = Field(default=None, description="规划总数的来源网址")
    coverage_percent: float = Field(description="已结对高新区占比（%），保留一位小数")
    # Unpaired zones to pair per remaining year (this one included) to reach the target.
    years_left: int
    needed_per_year: float
    by_city: list[CoverageGroup]
    by_level: list[CoverageGroup]
    paired_zones: list[CoverageZone]
    unpaired_zones: list[CoverageZone]
