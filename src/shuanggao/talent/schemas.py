"""API schemas of residents (驻园师生)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from shuanggao.kit.enums import LabeledEnum, labeled


class ResidentKind(LabeledEnum):
    TEACHER = ("teacher", "教师")
    GRADUATE = ("graduate", "研究生")
    UNDERGRADUATE = ("undergraduate", "本科生")
    # Records kept before the degree level was asked for.
    STUDENT = ("student", "学生")


_DISCIPLINE = re.compile(r"^\d{4}$")


def _check_discipline(code: str | None) -> str | None:
    if code is None:
        return None
    code = code.strip()
    if not code:
        return None
    if not _DISCIPLINE.match(code):
        raise ValueError("一级学科代码应为 4 位数字")
    return code


DisciplineCode = Annotated[str | None, AfterValidator(_check_discipline)]
KindField = Annotated[ResidentKind, labeled(ResidentKind)]

DATE_ORDER_MESSAGE = "离园日期不能早于入园日期"


def check_dates(from_date: dt.date | None, to_date: dt.date | None) -> None:
    if from_date is not None and to_date is not None and to_date < from_date:
        raise ValueError(DATE_ORDER_MESSAGE)


class ResidentBase(BaseModel):
    person_name: str = Field(min_length=2, max_length=50)
    kind: KindField
    university_id: int
    zone_id: int
    pairing_id: int | None = None
    enterprise_id: int | None = None
    platform_id: int | None = None
    user_id: int | None = None
    department: str | None = Field(default=None, max_length=200)
    discipline_code: DisciplineCode = None
    from_date: dt.date
    to_date: dt.date | None = None
    role: str | None = Field(default=None, max_length=100)
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None


class ResidentCreate(ResidentBase):
    @field_validator("to_date")
    @classmethod
    def _dates_in_order(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        check_dates(info.data.get("from_date"), value)
        return value


class ResidentUpdate(BaseModel):
    person_name: str | None = Field(default=None, min_length=2, max_length=50)
    kind: KindField | None = None
    university_id: int | None = None
    zone_id: int | None = None
    pairing_id: int | None = None
    enterprise_id: int | None = None
    platform_id: int | None = None
    user_id: int | None = None
    department: str | None = Field(default=None, max_length=200)
    discipline_code: DisciplineCode = None
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    role: str | None = Field(default=None, max_length=100)
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None
    version: int | None = None

    @field_validator("to_date")
    @classmethod
    def _dates_in_order(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        check_dates(info.data.get("from_date"), value)
        return value


class ResidentRead(ResidentBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    university_name: str
    zone_name: str
