"""API schemas of enterprises and enterprise services."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from shuanggao.enterprises.credit_code import credit_code_error, normalize_credit_code
from shuanggao.kit.enums import LabeledEnum, labeled
from shuanggao.kit.validation import CleanInput
from shuanggao.pairings.schemas import RefId
from shuanggao.programme.enums import TaskArea
from shuanggao.reference.data import is_industry_code

_INDUSTRY_CODE = re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})?$")
_PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,24}$")
# A phone as shown masked (kit.personal.mask_phone): accepted here so an edit form or an export
# can be sent back unchanged; the kit keeps the stored number, and refuses it as a new value.
_MASKED_PHONE = re.compile(r"^\+?[0-9][0-9\- ]*\*[0-9\-* ]{4,24}$")


def _check_credit_code(raw: str) -> str:
    code = normalize_credit_code(raw)
    error = credit_code_error(code)
    if error is not None:
        raise ValueError(error)
    return code


def _check_industry_code(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    code = raw.strip().upper()
    if not _INDUSTRY_CODE.match(code):
        raise ValueError(f"国民经济行业代码“{code}”格式不正确（如 C3841）")
    if not is_industry_code(code):
        raise ValueError(f"国民经济行业代码“{code}”不存在，请填写标准中的代码")
    return code


def _check_phone(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    phone = raw.strip()
    if not _PHONE.match(phone) and not _MASKED_PHONE.match(phone):
        raise ValueError("联系电话格式不正确（只能包含数字、“-”、空格和开头的“+”）")
    return phone


def _empty_to_none(raw: object) -> object:
    return None if isinstance(raw, str) and not raw.strip() else raw


CreditCode = Annotated[str, AfterValidator(_check_credit_code)]
IndustryCode = Annotated[str | None, AfterValidator(_check_industry_code)]
Phone = Annotated[str | None, AfterValidator(_check_phone)]


class ServiceKind(LabeledEnum):
    CONSULTING = ("consulting", "技术咨询")
    DEVELOPMENT = ("development", "技术开发")
    TESTING = ("testing", "检测服务")
    TRAINING = ("training", "人才培训")
    TRANSFER = ("transfer", "成果转化")
    OTHER = ("other", "其他")


ServiceKindField = Annotated[ServiceKind, labeled(ServiceKind)]
TaskAreaField = Annotated[TaskArea | None, BeforeValidator(_empty_to_none), labeled(TaskArea)]


class EnterpriseBase(CleanInput):
    name: str = Field(min_length=2, max_length=200)
    credit_code: CreditCode
    zone_id: RefId
    industry_code: IndustryCode = None
    is_high_tech: bool = False
    address: str | None = Field(default=None, max_length=300)
    contact_person: str | None = Field(default=None, max_length=50)
    phone: Phone = Field(default=None, max_length=30)
    note: str | None = None


class EnterpriseCreate(EnterpriseBase):
    pass


class EnterpriseUpdate(CleanInput):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    credit_code: CreditCode | None = None
    zone_id: RefId | None = None
    industry_code: IndustryCode = None
    is_high_tech: bool | None = None
    address: str | None = Field(default=None, max_length=300)
    contact_person: str | None = Field(default=None, max_length=50)
    phone: Phone = Field(default=None, max_length=30)
    note: str | None = None
    version: int | None = None


class EnterpriseRead(EnterpriseBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    zone_name: str


class EnterpriseServiceBase(CleanInput):
    enterprise_id: RefId
    zone_id: RefId
    university_id: RefId
    pairing_id: RefId | None = None
    service_date: dt.date
    kind: ServiceKindField
    description: str | None = Field(default=None, max_length=4000)
    task_area: TaskAreaField = None
    note: str | None = None


class EnterpriseServiceCreate(EnterpriseServiceBase):
    pass


class EnterpriseServiceUpdate(CleanInput):
    enterprise_id: RefId | None = None
    zone_id: RefId | None = None
    university_id: RefId | None = None
    pairing_id: RefId | None = None
    service_date: dt.date | None = None
    kind: ServiceKindField | None = None
    description: str | None = Field(default=None, max_length=4000)
    task_area: TaskAreaField = None
    note: str | None = None
    version: int | None = None


class EnterpriseServiceRead(EnterpriseServiceBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    title: str
    enterprise_name: str
    credit_code: str
    zone_name: str
    university_name: str


class EnterprisesServed(CleanInput):
    as_of: dt.date
    zone_id: int | None
    enterprises_served: int = Field(description="截至该日期服务过的企业数（按企业去重）")
    services: int = Field(description="截至该日期的服务记录数")
