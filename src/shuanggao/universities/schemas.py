from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shuanggao.kit.enums import LabeledEnum, labeled


class EducationLevel(LabeledEnum):
    UNDERGRADUATE = ("undergraduate", "本科")
    VOCATIONAL = ("vocational", "专科")


_DISCIPLINE = re.compile(r"^\d{4}$")


def _check_disciplines(codes: list[str]) -> list[str]:
    cleaned: list[str] = []
    for code in codes:
        code = code.strip()
        if not _DISCIPLINE.match(code):
            raise ValueError(f"一级学科代码“{code}”应为 4 位数字")
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def _check_code(code: str) -> str:
    code = code.strip()
    if not re.fullmatch(r"\d{10}", code):
        raise ValueError("学校标识码应为 10 位数字")
    return code


SchoolCode = Annotated[str, AfterValidator(_check_code)]
DisciplineCodes = Annotated[list[str], AfterValidator(_check_disciplines)]
Level = Annotated[EducationLevel, labeled(EducationLevel)]


class UniversityBase(BaseModel):
    code: SchoolCode
    name: str = Field(min_length=2, max_length=100)
    province: str = Field(default="江苏省", max_length=20)
    city: str = Field(min_length=2, max_length=40)
    authority: str = Field(min_length=2, max_length=100)
    level: Level
    is_private: bool = False
    discipline_codes: DisciplineCodes = Field(default_factory=list)
    is_pilot: bool = False
    note: str | None = None


class UniversityCreate(UniversityBase):
    pass


class UniversityUpdate(BaseModel):
    code: SchoolCode | None = None
    name: str | None = Field(default=None, min_length=2, max_length=100)
    province: str | None = Field(default=None, max_length=20)
    city: str | None = Field(default=None, min_length=2, max_length=40)
    authority: str | None = Field(default=None, min_length=2, max_length=100)
    level: Level | None = None
    is_private: bool | None = None
    discipline_codes: DisciplineCodes | None = None
    is_pilot: bool | None = None
    note: str | None = None
    version: int | None = None


class UniversityRead(UniversityBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
