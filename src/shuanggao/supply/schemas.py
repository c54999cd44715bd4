"""Supply item schemas and vocabulary."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
)

from shuanggao.kit.enums import LabeledEnum, labeled
from shuanggao.kit.validation import CleanInput
from shuanggao.universities.schemas import DisciplineCodes
from shuanggao.zones.schemas import IndustryCodes

# A database id: a larger number is refused as a field error, not passed to the driver.
DbId = Annotated[int, Field(ge=1, le=2_147_483_647)]


class SupplyKind(LabeledEnum):
    ACHIEVEMENT = ("achievement", "科技成果")
    EXPERT = ("expert", "专家团队")
    PLATFORM = ("platform", "共享平台与仪器")
    DATA = ("data", "数据资源")


class Maturity(LabeledEnum):
    """Technology readiness: TRL 1-9, or the stage names universities use."""

    TRL1 = ("trl1", "TRL1 基本原理")
    TRL2 = ("trl2", "TRL2 技术概念")
    TRL3 = ("trl3", "TRL3 概念验证")
    TRL4 = ("trl4", "TRL4 实验室验证")
    TRL5 = ("trl5", "TRL5 相关环境验证")
    TRL6 = ("trl6", "TRL6 原型演示")
    TRL7 = ("trl7", "TRL7 实际环境演示")
    TRL8 = ("trl8", "TRL8 系统定型")
    TRL9 = ("trl9", "TRL9 规模应用")
    LAB = ("lab", "实验室")
    BENCH = ("bench", "小试")
    PILOT = ("pilot", "中试")
    INDUSTRIAL = ("industrial", "产业化")

    @property
    def level(self) -> int:
        """The TRL a stage corresponds to (for filters such as "at least TRL 6")."""
        if self.value.startswith("trl"):
            return int(self.value[3:])
        return {"lab": 4, "bench": 5, "pilot": 7, "industrial": 9}[self.value]


_TRL = re.compile(r"^(?:TRL)?\s*([1-9])(?:\s*级)?(?:\s.*)?$", re.IGNORECASE)


def _parse_maturity(raw: Any) -> Any:
    """Accept the value, the label, ``TRL5``/``trl 5``/``5``/``5级``, or a stage name."""
    parsed = Maturity.parse(raw)
    if isinstance(parsed, Maturity) or raw is None:
        return parsed
    text = str(raw).strip()
    if text == "":
        return None
    match = _TRL.match(text)
    if match:
        return Maturity(f"trl{match.group(1)}")
    return raw


def maturity_level(value: str | None) -> int | None:
    return Maturity(value).level if value else None


class RightsStatus(LabeledEnum):
    PATENT_GRANTED = ("patent_granted", "已授权专利")
    PATENT_PENDING = ("patent_pending", "专利申请中")
    SOFTWARE_COPYRIGHT = ("software_copyright", "软件著作权")
    KNOW_HOW = ("know_how", "技术秘密")
    NONE = ("none", "无知识产权")


class TransferMode(LabeledEnum):
    TRANSFER = ("transfer", "转让")
    LICENSE = ("license", "许可")
    EQUITY = ("equity", "作价入股")
    SERVICE = ("service", "技术服务")
    CO_DEVELOPMENT = ("co_development", "合作开发")


def _clean_list(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        v = v.strip()
        if v and v not in out:
            out.append(v)
    return out


def _clean_modes(values: list[TransferMode]) -> list[TransferMode]:
    out: list[TransferMode] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def _parse_modes(raw: Any) -> Any:
    if isinstance(raw, str):
        raw = [p for p in re.split(r"[；;、,，/\n]", raw) if p.strip()]
    if isinstance(raw, list | tuple):
        return [TransferMode.parse(v) for v in raw]
    return raw


_PATENT = re.compile(r"^(?:ZL|CN)?\s?\d{8,13}(?:\.[0-9X])?[A-Z]?$", re.IGNORECASE)


def _check_patents(values: list[str]) -> list[str]:
    out: list[str] = []
    for raw in values:
        v = raw.strip().upper().replace(" ", "")
        if not v:
            continue
        if not _PATENT.match(v):
            raise ValueError(f"专利号“{raw.strip()}”格式不正确（例如 ZL202310123456.7）")
        if v not in out:
            out.append(v)
    return out


Kind = Annotated[SupplyKind, labeled(SupplyKind)]
MaturityField = Annotated[Maturity, BeforeValidator(_parse_maturity)]
Rights = Annotated[RightsStatus, labeled(RightsStatus)]
Modes = Annotated[list[TransferMode], BeforeValidator(_parse_modes), AfterValidator(_clean_modes)]
Keywords = Annotated[list[str], AfterValidator(_clean_list)]
Patents = Annotated[list[str], AfterValidator(_check_patents)]
Price = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class SupplyItemBase(CleanInput):
    kind: Kind
    university_id: DbId
    owner_name: str | None = Field(default=None, max_length=50)
    title: str = Field(min_length=2, max_length=200)
    abstract: str = Field(default="", max_length=20000)
    keywords: Keywords = Field(default_factory=list)
    discipline_codes: DisciplineCodes = Field(default_factory=list)
    industry_codes: IndustryCodes = Field(default_factory=list)
    maturity: MaturityField | None = None
    rights_status: Rights | None = None
    patent_numbers: Patents = Field(default_factory=list)
    transfer_modes: Modes = Field(default_factory=list)
    price_min: Price | None = None
    price_max: Price | None = None
    research_directions: str | None = Field(default=None, max_length=5000)
    representative_results: str | None = Field(default=None, max_length=5000)
    sharing_terms: str | None = Field(default=None, max_length=5000)
    data_description: str | None = Field(default=None, max_length=5000)
    is_public: bool = True
    source_url: str | None = Field(default=None, max_length=1000)
    note: str | None = None


class SupplyItemCreate(SupplyItemBase):
    # Set for a researcher's own item (the service sets it to the researcher creating it).
    owner_user_id: DbId | None = None


class SupplyItemUpdate(CleanInput):
    kind: Kind | None = None
    university_id: DbId | None = None
    owner_name: str | None = Field(default=None, max_length=50)
    owner_user_id: DbId | None = None
    title: str | None = Field(default=None, min_length=2, max_length=200)
    abstract: str | None = Field(default=None, max_length=20000)
    keywords: Keywords | None = None
    discipline_codes: DisciplineCodes | None = None
    industry_codes: IndustryCodes | None = None
    maturity: MaturityField | None = None
    rights_status: Rights | None = None
    patent_numbers: Patents | None = None
    transfer_modes: Modes | None = None
    price_min: Price | None = None
    price_max: Price | None = None
    research_directions: str | None = Field(default=None, max_length=5000)
    representative_results: str | None = Field(default=None, max_length=5000)
    sharing_terms: str | None = Field(default=None, max_length=5000)
    data_description: str | None = Field(default=None, max_length=5000)
    is_public: bool | None = None
    source_url: str | None = Field(default=None, max_length=1000)
    note: str | None = None
    version: int | None = None


class SupplyItemRead(SupplyItemBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    owner_user_id: int | None
    university_name: str
    version: int
    is_demo: bool
