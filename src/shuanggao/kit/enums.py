"""Enums with stable English values and Chinese labels.

Stored and sent through the API as the English value; shown, imported and exported as the
Chinese label. ``parse`` accepts either, so a spreadsheet can say 国家级 and the API national.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self

from pydantic import BeforeValidator


class LabeledEnum(StrEnum):
    """Subclasses define members as ``NAME = ("value", "中文标签")``."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label or value
        return obj

    @classmethod
    def parse(cls, raw: Any) -> Any:
        """Map a label or value to the member; leave anything else for pydantic to refuse."""
        if isinstance(raw, cls) or raw is None:
            return raw
        text = str(raw).strip()
        for member in cls:
            if text in (member.value, member.label):
                return member
        return raw

    @classmethod
    def labels(cls) -> list[str]:
        return [m.label for m in cls]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


def labeled(enum_cls: type[LabeledEnum]) -> BeforeValidator:
    """Use as ``Annotated[MyEnum, labeled(MyEnum)]`` so labels are accepted on input."""
    return BeforeValidator(enum_cls.parse)
