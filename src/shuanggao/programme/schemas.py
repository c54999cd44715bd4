from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shuanggao.kit.enums import labeled
from shuanggao.programme.enums import AudienceRole, FactKind, OrgKind, PolicyListKind

Kind = Annotated[FactKind, labeled(FactKind)]
ListKind = Annotated[PolicyListKind, labeled(PolicyListKind)]
Audience = Annotated[AudienceRole, labeled(AudienceRole)]
Organisation = Annotated[OrgKind, labeled(OrgKind)]
FigureValue = Annotated[Decimal, Field(max_digits=18, decimal_places=4)]


class ProgrammeFactBase(BaseModel):
    scope: str = Field(min_length=2, max_length=100, description="高新区名称，或“全省”等范围")
    zone_id: int | None = None
    universities: str | None = Field(default=None, description="报道中的高校（原文）")
    kind: Kind
    name: str = Field(min_length=2, max_length=500)
    figure: FigureValue | None = None
    unit: str | None = Field(default=None, max_length=50)
    fact_date: dt.date | None = None
    source_url: str | None = Field(default=None, max_length=1000)
    note: str | None = None


class ProgrammeFactCreate(ProgrammeFactBase):
    university_ids: list[int] = Field(default_factory=list, description="报道点名的高校")


class ProgrammeFactUpdate(BaseModel):
    scope: str | None = Field(default=None, min_length=2, max_length=100)
    zone_id: int | None = None
    universities: str | None = None
    university_ids: list[int] | None = None
    kind: Kind | None = None
    name: str | None = Field(default=None, min_length=2, max_length=500)
    figure: FigureValue | None = None
    unit: str | None = Field(default=None, max_length=50)
    fact_date: dt.date | None = None
    source_url: str | None = Field(default=None, max_length=1000)
    note: str | None = None
    version: int | None = None


class ProgrammeFactRead(ProgrammeFactBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    zone_name: str | None
    university_ids: list[int]
    university_names: list[str]
    version: int
    is_demo: bool


class PolicyItemBase(BaseModel):
    list_kind: ListKind
    no: int = Field(ge=1, le=999)
    title: str = Field(min_length=2, max_length=200)
    issuer: str | None = None
    issued_date: dt.date | None = None
    summary: str | None = None
    applies_to: str | None = None
    audience_roles: list[Audience] = Field(default_factory=list, description="适用角色")
    org_kinds: list[Organisation] = Field(default_factory=list, description="适用单位类型")
    conditions: str | None = None
    source_url: str | None = Field(default=None, max_length=1000)
    note: str | None = None


class PolicyItemCreate(PolicyItemBase):
    pass


class PolicyItemUpdate(BaseModel):
    list_kind: ListKind | None = None
    no: int | None = Field(default=None, ge=1, le=999)
    title: str | None = Field(default=None, min_length=2, max_length=200)
    issuer: str | None = None
    issued_date: dt.date | None = None
    summary: str | None = None
    applies_to: str | None = None
    audience_roles: list[Audience] | None = None
    org_kinds: list[Organisation] | None = None
    conditions: str | None = None
    source_url: str | None = Field(default=None, max_length=1000)
    note: str | None = None
    version: int | None = None


class PolicyItemRead(PolicyItemBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool


class OpinionRead(BaseModel):
    """The implementation opinion (苏政办发〔2025〕28号) as summarised from public pages."""

    title: str
    document_number: str | None
    issued_date: dt.date | None
    source_url: str | None
    markdown: str = Field(description="摘要全文（Markdown），标明“原文”与“据报道”部分")
