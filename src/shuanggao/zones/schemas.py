from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shuanggao.kit.enums import LabeledEnum, labeled
from shuanggao.reference.data import is_industry_code


class ZoneLevel(LabeledEnum):
    NATIONAL = ("national", "国家级")
    PROVINCIAL = ("provincial", "省级")
    PROVINCIAL_PREP = ("provincial_prep", "省级（筹）")
    # A zone named as a pilot whose level no source at hand states (e.g. 南通市北高新区).
    UNKNOWN = ("unknown", "待核实")


_INDUSTRY_CODE = re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})?$")
_EMERGING_CODE = re.compile(r"^\d(\.\d{1,2}){0,3}$")


def _check_codes(
    pattern: re.Pattern[str], what: str, known: Callable[[str], bool] | None = None
) -> AfterValidator:
    def check(codes: list[str]) -> list[str]:
        cleaned = []
        for code in codes:
            code = code.strip().upper()
            if not pattern.match(code):
                raise ValueError(f"{what}“{code}”格式不正确")
            if known is not None and not known(code):
                raise ValueError(f"{what}“{code}”不存在，请填写标准中的代码")
            if code not in cleaned:
                cleaned.append(code)
        return cleaned

    return AfterValidator(check)


IndustryCodes = Annotated[
    list[str], _check_codes(_INDUSTRY_CODE, "国民经济行业代码", is_industry_code)
]
EmergingCodes = Annotated[list[str], _check_codes(_EMERGING_CODE, "战略性新兴产业分类代码")]
Level = Annotated[ZoneLevel, labeled(ZoneLevel)]


class ZoneBase(BaseModel):
    name: str = Field(min_length=2, max_length=100)
    full_name: str | None = Field(default=None, max_length=200)
    level: Level
    city: str = Field(min_length=2, max_length=40)
    managing_body: str | None = Field(default=None, max_length=200)
    leading_industries: str | None = None
    future_industries: str | None = None
    industry_codes: IndustryCodes = Field(default_factory=list)
    emerging_codes: EmergingCodes = Field(default_factory=list)
    is_pilot: bool = False
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None


class ZoneCreate(ZoneBase):
    pass


class ZoneUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=100)
    full_name: str | None = Field(default=None, max_length=200)
    level: Level | None = None
    city: str | None = Field(default=None, min_length=2, max_length=40)
    managing_body: str | None = Field(default=None, max_length=200)
    leading_industries: str | None = None
    future_industries: str | None = None
    industry_codes: IndustryCodes | None = None
    emerging_codes: EmergingCodes | None = None
    is_pilot: bool | None = None
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None
    version: int | None = None


class ZoneRead(ZoneBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
