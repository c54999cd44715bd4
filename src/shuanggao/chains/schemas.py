"""API schemas of industry chains and their nodes."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shuanggao.chains.catalog import is_emerging_path, normalize_path
from shuanggao.kit.enums import LabeledEnum, labeled
from shuanggao.kit.validation import CleanInput
from shuanggao.pairings.schemas import RefId, UniqueIds
from shuanggao.reference.data import is_industry_code


class ChainKind(LabeledEnum):
    LEADING = ("leading", "主导产业")
    FUTURE = ("future", "未来产业")


_INDUSTRY_CODE = re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})?$")


def _industry_codes(codes: list[str]) -> list[str]:
    out: list[str] = []
    for code in codes:
        code = code.strip().upper()
        if not code:
            continue
        if not _INDUSTRY_CODE.match(code):
            raise ValueError(f"国民经济行业代码“{code}”格式不正确（例如 C3841）")
        if not is_industry_code(code):
            raise ValueError(f"国民经济行业代码“{code}”不存在，请填写标准中的代码")
        if code not in out:
            out.append(code)
    return out


def _emerging_paths(paths: list[str]) -> list[str]:
    out: list[str] = []
    for raw in paths:
        if not raw.strip():
            continue
        path = normalize_path(raw)
        if not is_emerging_path(path):
            raise ValueError(
                f"战略性新兴产业分类“{path}”不存在，请填写分类路径"
                "（如 新能源产业 > 智能电网产业 > 智能电力控制设备及电缆制造）"
            )
        if path not in out:
            out.append(path)
    return out


def _words(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        v = v.strip()
        if v and v not in out:
            out.append(v)
    return out


IndustryCodes = Annotated[list[str], AfterValidator(_industry_codes)]
EmergingPaths = Annotated[list[str], AfterValidator(_emerging_paths)]
Words = Annotated[list[Annotated[str, Field(max_length=50)]], AfterValidator(_words)]
KindField = Annotated[ChainKind, labeled(ChainKind)]


class ChainBase(CleanInput):
    name: str = Field(min_length=2, max_length=100)
    zone_id: RefId
    kind: KindField = ChainKind.LEADING
    description: str | None = Field(default=None, max_length=5000)
    template: str | None = Field(default=None, max_length=300)
    note: str | None = Field(default=None, max_length=2000)


class ChainCreate(ChainBase):
    pass


class ChainUpdate(CleanInput):
    name: str | None = Field(default=None, min_length=2, max_length=100)
    zone_id: RefId | None = None
    kind: KindField | None = None
    description: str | None = Field(default=None, max_length=5000)
    template: str | None = Field(default=None, max_length=300)
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = None


class ChainRead(ChainBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    zone_name: str
    node_names: list[str]


class NodeBase(CleanInput):
    chain_id: RefId
    position: int = Field(default=0, ge=0, le=1000)
    name: str = Field(min_length=1, max_length=100)
    industry_codes: IndustryCodes = Field(default_factory=list, max_length=50)
    emerging_paths: EmergingPaths = Field(default_factory=list, max_length=20)
    keywords: Words = Field(default_factory=list, max_length=100)
    description: str | None = Field(default=None, max_length=5000)


class NodeCreate(NodeBase):
    enterprise_ids: UniqueIds = Field(default_factory=list, max_length=500)


class NodeUpdate(CleanInput):
    chain_id: RefId | None = None
    position: int | None = Field(default=None, ge=0, le=1000)
    name: str | None = Field(default=None, min_length=1, max_length=100)
    industry_codes: IndustryCodes | None = Field(default=None, max_length=50)
    emerging_paths: EmergingPaths | None = Field(default=None, max_length=20)
    keywords: Words | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=5000)
    enterprise_ids: UniqueIds | None = Field(default=None, max_length=500)
    version: int | None = None


class NodeRead(NodeBase):
    """A node as shown; ``enterprise_ids``/``enterprise_names`` are empty for readers outside
    the zone (see the register's ``hidden_fields``)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    is_demo: bool
    zone_id: int
    zone_name: str
    chain_name: str
    enterprise_ids: list[int] | None
    enterprise_names: list[str] | None


class TemplateNodeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    industry_codes: list[str]
    emerging_paths: list[str]
    keywords: list[str]


class TemplateRead(BaseModel):
    """A chain to start from: generated from the 战略性新兴产业 tree and its 重点产品."""

    model_config = ConfigDict(from_attributes=True)

    key: str
    name: str
    source: str  # "curated" | "tree"
    description: str
    nodes: list[TemplateNodeRead]


class ApplyTemplate(CleanInput):
    template: str = Field(min_length=1, max_length=300)
    zone_id: RefId
    name: str | None = Field(default=None, min_length=2, max_length=100)
    kind: KindField = ChainKind.LEADING
