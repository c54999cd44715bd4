"""API schemas of conflict-of-interest declarations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from shuanggao.kit.enums import LabeledEnum, labeled
from shuanggao.kit.validation import CleanInput
from shuanggao.pairings.schemas import RefId


class TieKind(LabeledEnum):
    EMPLOYER = ("employer", "任职/兼职单位")
    SHAREHOLDING = ("shareholding", "持股")
    RELATIVE = ("relative", "近亲属企业")
    PREVIOUS_CONTRACT = ("previous_contract", "既往合同")
    OTHER = ("other", "其他")


KindField = Annotated[TieKind, labeled(TieKind)]
TO_BEFORE_FROM = "结束日期不能早于开始日期"
NO_FIRM = "请填写企业（已登记企业选择企业，未登记的填写企业名称或统一社会信用代码）"


def _check_to(to: dt.date | None, info: ValidationInfo) -> dt.date | None:
    start = info.data.get("from_date")
    if to is not None and start is not None and to < start:
        raise ValueError(TO_BEFORE_FROM)
    return to


class DeclarationBase(CleanInput):
    enterprise_id: RefId | None = None
    enterprise_name: str | None = Field(default=None, min_length=2, max_length=200)
    credit_code: str | None = Field(default=None, min_length=18, max_length=18)
    kind: KindField
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    note: str | None = Field(default=None, max_length=2000)


class DeclarationCreate(DeclarationBase):
    # Omitted by a researcher declaring their own ties: the service fills in the actor.
    user_id: RefId | None = None

    _to_after_from = field_validator("to_date")(_check_to)


class DeclarationUpdate(CleanInput):
    enterprise_id: RefId | None = None
    enterprise_name: str | None = Field(default=None, min_length=2, max_length=200)
    credit_code: str | None = Field(default=None, min_length=18, max_length=18)
    kind: KindField | None = None
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = None

    _to_after_from = field_validator("to_date")(_check_to)


class DeclarationRead(DeclarationBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    user_id: int
    researcher_username: str
    university_id: int | None
    firm_name: str | None
