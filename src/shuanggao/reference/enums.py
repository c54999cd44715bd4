"""Vocabularies of the reference classifications."""

from __future__ import annotations

from shuanggao.kit.enums import LabeledEnum


class IndustryLevel(LabeledEnum):
    """The four levels of GB/T 4754-2017."""

    SECTION = ("section", "门类")
    DIVISION = ("division", "大类")
    GROUP = ("group", "中类")
    CLASS = ("class", "小类")


# Level number in the standard's tree (1 = 门类 … 4 = 小类) to the level.
INDUSTRY_LEVEL_BY_DEPTH: dict[int, IndustryLevel] = {
    1: IndustryLevel.SECTION,
    2: IndustryLevel.DIVISION,
    3: IndustryLevel.GROUP,
    4: IndustryLevel.CLASS,
}


class IndustryTag(LabeledEnum):
    """Statistical classifications that tag a 小类 (keys as in the source data)."""

    STRATEGIC = ("strategic", "战略性新兴产业")
    HIGH_TECH_MANUFACTURING = ("highTech_mfg", "高技术产业（制造业）")
    HIGH_TECH_SERVICES = ("highTech_svc", "高技术产业（服务业）")
    DIGITAL = ("digital", "数字经济及其核心产业")
    IP_INTENSIVE = ("ip密集型", "知识产权（专利）密集型产业")
    PENSION = ("pension", "养老产业")
    CULTURE = ("culture", "文化及相关产业")


class DisciplineKind(LabeledEnum):
    """Entries of the 2022 研究生教育学科专业目录."""

    CATEGORY = ("category", "学科门类")
    ACADEMIC = ("academic", "一级学科")
    PROFESSIONAL = ("professional", "专业学位类别")
