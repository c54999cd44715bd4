from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from shuanggao.kit.enums import labeled
from shuanggao.reference.enums import DisciplineKind, IndustryLevel

Level = Annotated[IndustryLevel, labeled(IndustryLevel)]
Kind = Annotated[DisciplineKind, labeled(DisciplineKind)]


class IndustryBase(BaseModel):
    code: str = Field(pattern=r"^([A-T]|\d{2,4})$", description="门类字母或 2–4 位数字代码")
    name: str = Field(min_length=1, max_length=100)
    level: Level
    section: str = Field(pattern=r"^[A-T]$")
    parent_code: str | None = Field(default=None, max_length=5)
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    is_strategic: bool = False
    is_high_tech: bool = False
    is_digital: bool = False
    strategic_paths: list[str] = Field(default_factory=list)
    key_products: list[str] = Field(default_factory=list)
    classifications: list[dict[str, Any]] = Field(default_factory=list)


class IndustryCreate(IndustryBase):
    pass


class IndustryUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = None
    version: int | None = None


class IndustryRead(IndustryBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    full_code: str = Field(description="带门类字母的代码，如 C3841")
    version: int
    is_demo: bool


class IndustryBrief(BaseModel):
    """One step of an industry's path from its 门类."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    full_code: str
    name: str
    level: IndustryLevel


class IndustryDetail(IndustryRead):
    path: list[IndustryBrief] = Field(description="从门类到本节点的路径")


class DisciplineBase(BaseModel):
    code: str = Field(pattern=r"^\d{2}(\d{2})?$")
    name: str = Field(min_length=1, max_length=100)
    kind: Kind
    parent_code: str | None = Field(default=None, pattern=r"^\d{2}$")
    doctoral: bool | None = None
    note: str | None = None


class DisciplineCreate(DisciplineBase):
    pass


class DisciplineUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    note: str | None = None
    version: int | None = None


class DisciplineRead(DisciplineBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool


class CodeCheck(BaseModel):
    """Which of the given codes the catalogue knows."""

    known: list[str]
    unknown: list[str]
