"""Read-only registers of the reference classifications (loaded by ``shuanggao reference load``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shuanggao.actor import Actor
from shuanggao.kit.policy import PublicRead
from shuanggao.kit.register import Column, Filter, Register
from shuanggao.reference.models import Discipline, Industry
from shuanggao.reference.schemas import (
    DisciplineCreate,
    DisciplineRead,
    DisciplineUpdate,
    IndustryCreate,
    IndustryRead,
    IndustryUpdate,
)


class ReferenceOnly(PublicRead):
    """Everyone reads; nobody writes through the registers. The national standards change only
    through the shipped files and ``shuanggao reference load``."""

    def can_create(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        return False

    def can_modify(self, actor: Actor, obj: Any) -> bool:
        return False

    def can_delete(self, actor: Actor, obj: Any) -> bool:
        return False


industries = Register(
    name="industries",
    label="国民经济行业分类",
    model=Industry,
    create_schema=IndustryCreate,
    update_schema=IndustryUpdate,
    read_schema=IndustryRead,
    columns=[
        Column("code", "行业代码", required=True, example="3841"),
        Column("name", "行业名称", required=True, example="锂离子电池制造"),
        Column("level", "层级", required=True, example="小类", help="门类、大类、中类或小类"),
        Column("section", "门类", required=True, example="C"),
        Column("parent_code", "上级代码", example="384"),
        Column("description", "说明"),
        Column("is_strategic", "战略性新兴产业", example="是"),
        Column("is_high_tech", "高技术产业", example="是"),
        Column("is_digital", "数字经济", example="否"),
        Column("strategic_paths", "战略性新兴产业分类", multi=True),
        Column("key_products", "重点产品和服务", multi=True),
    ],
    natural_key=("code",),
    search_fields=("name", "code", "description", "keywords"),
    filters=(
        Filter("level", "level", "层级"),
        Filter("section", "section", "门类"),
        Filter("parent_code", "parent_code", "上级代码"),
        Filter("is_strategic", "is_strategic", "战略性新兴产业", bool),
        Filter("is_high_tech", "is_high_tech", "高技术产业", bool),
        Filter("is_digital", "is_digital", "数字经济", bool),
    ),
    sort_fields=("code", "name", "level"),
    default_sort="id",
    policy=ReferenceOnly(),
    title_attr="title",
    description="GB/T 4754-2017 国民经济行业分类（含 2019 年修改单）及战略性新兴产业等标签。",
)

disciplines = Register(
    name="disciplines",
    label="学科专业目录",
    model=Discipline,
    create_schema=DisciplineCreate,
    update_schema=DisciplineUpdate,
    read_schema=DisciplineRead,
    columns=[
        Column("code", "学科代码", required=True, example="0812"),
        Column("name", "学科名称", required=True, example="计算机科学与技术"),
        Column(
            "kind",
            "类别",
            required=True,
            example="一级学科",
            help="学科门类、一级学科或专业学位类别",
        ),
        Column("parent_code", "所属门类代码", example="08"),
        Column("doctoral", "可授博士学位", help="仅专业学位类别：否表示仅设硕士"),
        Column("note", "备注"),
    ],
    natural_key=("code",),
    search_fields=("name", "code", "note"),
    filters=(
        Filter("kind", "kind", "类别"),
        Filter("parent_code", "parent_code", "所属门类"),
    ),
    sort_fields=("code", "name"),
    default_sort="code",
    policy=ReferenceOnly(),
    title_attr="title",
    description="研究生教育学科专业目录（2022年）：学科门类、一级学科与专业学位类别。",
)
