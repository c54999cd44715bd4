"""API schemas of innovation consortia."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import ConfigDict, Field

from shuanggao.kit.validation import CleanInput
from shuanggao.pairings.schemas import RefId, UniqueIds
from shuanggao.zones.schemas import IndustryCodes

Funding = Annotated[Decimal | None, Field(ge=0, max_digits=16, decimal_places=2)]
ChainCodes = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=50)
]


class ConsortiumBase(CleanInput):
    name: str = Field(min_length=2, max_length=200)
    zone_id: RefId
    lead_enterprise_id: RefId
    industry_codes: IndustryCodes = Field(default_factory=list)
    chain_codes: ChainCodes = Field(default_factory=list)
    agreement_date: dt.date | None = None
    funding: Funding = None
    description: str | None = None
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None


class ConsortiumCreate(ConsortiumBase):
    enterprise_ids: UniqueIds = Field(default_factory=list)
    university_ids: UniqueIds = Field(default_factory=list)
    project_ids: UniqueIds = Field(default_factory=list)


class ConsortiumUpdate(CleanInput):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    zone_id: RefId | None = None
    lead_enterprise_id: RefId | None = None
    enterprise_ids: UniqueIds | None = None
    university_ids: UniqueIds | None = None
    project_ids: UniqueIds | None = None
    industry_codes: IndustryCodes | None = None
    chain_codes: ChainCodes | None = None
    agreement_date: dt.date | None = None
    funding: Funding = None
    description: str | None = None
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None
    version: int | None = None


class ConsortiumRead(ConsortiumBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    zone_name: str
    lead_enterprise_name: str
    enterprise_ids: list[int]
    enterprise_names: list[str]
    university_ids: list[int]
    university_names: list[str]
    project_ids: list[int]
    project_titles: list[str]
    projects_budget: Decimal
