"""Saved duplicate groups (合并需求组): what brokers send and what readers get back."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

DemandId = Annotated[int, Field(ge=1, le=2_147_483_647)]
# A group is a handful of needs one solution can serve, not a register of its own.
MAX_MEMBERS = 50
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class GroupCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    demand_ids: list[DemandId] = Field(min_length=2, max_length=MAX_MEMBERS)
    note: Note | None = None
    # The province's choice of the zone keeping the group (None: the province's own); a zone
    # administrator's groups are always their zone's.
    zone_id: DemandId | None = None


class GroupUpdate(BaseModel):
    """Rename, re-note, add and remove needs; ``version`` is the one the broker read."""

    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, ge=1, le=2_147_483_647)
    name: Name | None = None
    note: Note | None = None
    add: list[DemandId] = Field(default_factory=list, max_length=MAX_MEMBERS)
    remove: list[DemandId] = Field(default_factory=list, max_length=MAX_MEMBERS)


class GroupDissolve(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, ge=1, le=2_147_483_647)


class GroupMember(BaseModel):
    """A need of the group as the reader may see it; a need the reader may not read has
    ``hidden`` set and shows only the label 某企业（保密）."""

    demand_id: int | None
    title: str | None
    zone_name: str | None
    owner: str
    visibility: str | None
    triage_state: str | None
    hidden: bool = False


class GroupOut(BaseModel):
    id: int
    name: str
    note: str | None
    zone_id: int | None
    zone_name: str | None
    version: int
    created_by: str
    updated_at: dt.datetime
    members: list[GroupMember]
    # Whether the reader may rename, change or dissolve it.
    can_edit: bool


class GroupList(BaseModel):
    zone_id: int | None
    groups: list[GroupOut]
