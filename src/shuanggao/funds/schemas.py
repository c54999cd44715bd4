"""API schemas of conversion funds (转化基金), fund investments and funding (合作经费)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shuanggao.funds.money import PositiveYuan
from shuanggao.kit.enums import LabeledEnum, labeled


class FundStatus(LabeledEnum):
    PREPARING = ("preparing", "筹建中")
    ESTABLISHED = ("established", "已设立")
    INVESTING = ("investing", "投资运作中")
    CLOSED = ("closed", "已清算")


class PayerKind(LabeledEnum):
    GOVERNMENT = ("government", "政府")
    ZONE = ("zone", "高新区")
    ENTERPRISE = ("enterprise", "企业")
    UNIVERSITY = ("university", "高校")
    FUND = ("fund", "基金")


StatusField = Annotated[FundStatus, labeled(FundStatus)]
PayerField = Annotated[PayerKind, labeled(PayerKind)]


# ---- conversion funds -------------------------------------------------------------------------


class ConversionFundBase(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    zone_id: int
    pairing_id: int | None = None
    size: PositiveYuan = Field(description="基金规模（元），最多两位小数")
    manager: str | None = Field(default=None, max_length=200)
    established_date: dt.date | None = None
    status: StatusField = FundStatus.PREPARING
    capital_source: str | None = Field(default=None, max_length=300)
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None


class ConversionFundCreate(ConversionFundBase):
    pass


class ConversionFundUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    zone_id: int | None = None
    pairing_id: int | None = None
    size: PositiveYuan | None = None
    manager: str | None = Field(default=None, max_length=200)
    established_date: dt.date | None = None
    status: StatusField | None = None
    capital_source: str | None = Field(default=None, max_length=300)
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None
    version: int | None = None


class ConversionFundRead(ConversionFundBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    zone_name: str
    invested: Decimal = Field(description="已投资金额（元）")
    available: Decimal = Field(description="尚未投出的规模（元）")


# ---- fund investments -------------------------------------------------------------------------


class FundInvestmentBase(BaseModel):
    fund_id: int
    investee_name: str = Field(min_length=2, max_length=200)
    enterprise_id: int | None = None
    project_id: int | None = None
    amount: PositiveYuan = Field(description="投资金额（元），最多两位小数")
    invest_date: dt.date
    note: str | None = None


class FundInvestmentCreate(FundInvestmentBase):
    pass


class FundInvestmentUpdate(BaseModel):
    fund_id: int | None = None
    investee_name: str | None = Field(default=None, min_length=2, max_length=200)
    enterprise_id: int | None = None
    project_id: int | None = None
    amount: PositiveYuan | None = None
    invest_date: dt.date | None = None
    note: str | None = None
    version: int | None = None


class FundInvestmentRead(FundInvestmentBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    fund_name: str
    zone_id: int
    enterprise_name: str | None
    project_title: str | None


# ---- funding ----------------------------------------------------------------------------------


class FundingBase(BaseModel):
    title: str = Field(min_length=2, max_length=200)
    zone_id: int
    university_id: int | None = None
    pairing_id: int | None = None
    project_id: int | None = None
    payer_kind: PayerField
    payer_name: str = Field(min_length=2, max_length=200)
    amount: PositiveYuan = Field(description="经费金额（元），最多两位小数")
    funding_date: dt.date
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None


class FundingCreate(FundingBase):
    pass


class FundingUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=2, max_length=200)
    zone_id: int | None = None
    university_id: int | None = None
    pairing_id: int | None = None
    project_id: int | None = None
    payer_kind: PayerField | None = None
    payer_name: str | None = Field(default=None, min_length=2, max_length=200)
    amount: PositiveYuan | None = None
    funding_date: dt.date | None = None
    source_url: str | None = Field(default=None, max_length=1000)
    source_date: dt.date | None = None
    note: str | None = None
    version: int | None = None


class FundingRead(FundingBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    zone_name: str
    university_name: str | None
    project_title: str | None
