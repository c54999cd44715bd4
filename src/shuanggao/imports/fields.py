"""What each import/export column holds: its schema field's kind, read from the register.

Cells arrive as Excel values (numbers, dates, booleans) or CSV text; ``to_python`` turns one cell
into what the create schema expects, tolerating the ways Chinese spreadsheets write dates,
yes/no, amounts and lists. The schema then has the last word.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Annotated, Any, Union, get_args, get_origin
from zoneinfo import ZoneInfo

from openpyxl.utils.datetime import from_excel

from shuanggao.db.types import Money
from shuanggao.kit.enums import LabeledEnum
from shuanggao.kit.register import Column, Register

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
MULTI_SEPARATORS = re.compile(r"[；;、，,\r\n]+")
EXPORT_JOINER = "；"

TRUE_TEXTS = frozenset({"是", "y", "yes", "true", "t", "1", "√", "✓", "对"})
FALSE_TEXTS = frozenset({"否", "n", "no", "false", "f", "0", "×", "✗", "不是"})

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# Excel's serial day numbers for 1900-01-01 .. 9999-12-31.
_EXCEL_SERIAL_MAX = 2958465


class Kind(StrEnum):
    TEXT = "text"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    INT = "int"
    DECIMAL = "decimal"
    FLOAT = "float"
    ENUM = "enum"


@dataclass(frozen=True)
class FieldSpec:
    """One column with what its schema field takes."""

    column: Column
    kind: Kind
    many: bool
    enum: type[Enum] | None
    money: bool
    required: bool

    @property
    def field(self) -> str:
        return self.column.field

    @property
    def header(self) -> str:
        return self.column.header

    def format_text(self) -> str:
        """The 格式 line of the template's instructions."""
        if self.column.ref is not None:
            text = "填写已登记的名称或代码"
        elif self.kind is Kind.ENUM and self.enum is not None:
            text = "可选值：" + "、".join(enum_labels(self.enum))
        else:
            text = _KIND_TEXT[self.kind]
            if self.money:
                text = "金额（元），最多两位小数"
        if self.many:
            text += "；可填多个，用“；”分隔"
        return text


_KIND_TEXT = {
    Kind.TEXT: "文本",
    Kind.BOOL: "是 或 否",
    Kind.DATE: "日期，如 2025-08-04",
    Kind.DATETIME: "日期时间，如 2025-08-04 09:30",
    Kind.INT: "整数",
    Kind.DECIMAL: "数字",
    Kind.FLOAT: "数字",
    Kind.ENUM: "可选值",
}


def enum_labels(enum: type[Enum]) -> list[str]:
    if issubclass(enum, LabeledEnum):
        return enum.labels()
    return [str(m.value) for m in enum]


def enum_label(enum: type[Enum], value: Any) -> Any:
    """The Chinese label of a stored enum value (the value itself if it is not a member)."""
    try:
        member = enum(value)
    except ValueError:
        return value
    return member.label if isinstance(member, LabeledEnum) else member.value


def _unwrap(tp: Any) -> tuple[Any, bool]:
    many = False
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            tp = args[0] if args else str
        elif origin in (list, set, frozenset, tuple, Sequence):
            many = True
            inner = get_args(tp)
            tp = inner[0] if inner else str
        elif tp in (list, set, frozenset, tuple):
            return str, True
        else:
            return tp, many


def _kind_of(tp: Any) -> tuple[Kind, type[Enum] | None]:
    if isinstance(tp, type):
        if issubclass(tp, Enum):
            return Kind.ENUM, tp
        if issubclass(tp, bool):
            return Kind.BOOL, None
        if issubclass(tp, dt.datetime):
            return Kind.DATETIME, None
        if issubclass(tp, dt.date):
            return Kind.DATE, None
        if issubclass(tp, int):
            return Kind.INT, None
        if issubclass(tp, Decimal):
            return Kind.DECIMAL, None
        if issubclass(tp, float):
            return Kind.FLOAT, None
    return Kind.TEXT, None


def source_columns(reg: Register[Any]) -> list[Column]:
    """来源 columns for registers whose rows carry a source but whose columns omit it."""
    fields = reg.create_schema.model_fields
    have = {c.field for c in reg.columns}
    extra: list[Column] = []
    if "source_url" in fields and "source_url" not in have:
        extra.append(Column("source_url", "来源网址", help="信息来源的公开网页"))
    if "source_date" in fields and "source_date" not in have:
        extra.append(Column("source_date", "来源日期", example="2025-08-04"))
    return extra


_SPEC_CACHE: dict[int, list[FieldSpec]] = {}


def field_specs(reg: Register[Any]) -> list[FieldSpec]:
    """The import/export columns of a register (its ``columns`` plus 来源 columns), typed."""
    cached = _SPEC_CACHE.get(id(reg))
    if cached is not None:
        return cached
    fields = reg.create_schema.model_fields
    table = getattr(reg.model, "__table__", None)
    specs: list[FieldSpec] = []
    for column in [*reg.columns, *source_columns(reg)]:
        info = fields.get(column.field)
        tp, many = _unwrap(info.annotation) if info is not None else (str, column.multi)
        kind, enum = _kind_of(tp)
        db_col = table.c.get(column.field) if table is not None else None
        money = db_col is not None and isinstance(db_col.type, Money)
        if money:
            kind = Kind.DECIMAL
        specs.append(
            FieldSpec(
                column=column,
                kind=kind,
                many=many or column.multi,
                enum=enum,
                money=money,
                required=column.required or (info is not None and info.is_required()),
            )
        )
    _SPEC_CACHE[id(reg)] = specs
    return specs


def column_guide(reg: Register[Any]) -> list[dict[str, Any]]:
    """How to fill each column (template instructions, upload pages): header, required, format,
    example and help."""
    return [
        {
            "field": spec.field,
            "header": spec.header,
            "required": spec.column.required,
            "format": spec.format_text(),
            "example": spec.column.example,
            "help": spec.column.help,
        }
        for spec in field_specs(reg)
    ]


def normalize_header(text: Any) -> str:
    """Headers match whatever the width, spacing or required marker (``*``, ``（必填）``)."""
    norm = unicodedata.normalize("NFKC", str(text))
    norm = re.sub(r"\s+", "", norm)
    norm = norm.removesuffix("(必填)").strip("*")
    return norm


def cell_text(value: Any) -> str | None:
    """A cell as text, as the user sees it; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def parse_date(text: str) -> dt.date | None:
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_datetime(text: str) -> dt.datetime | None:
    """A date, or a date and a time (``2025-08-04 09:30``), in China time."""
    day_text, _, time_text = text.replace("T", " ").partition(" ")
    day = parse_date(day_text)
    if day is None:
        return None
    if not time_text.strip():
        return dt.datetime.combine(day, dt.time(0, 0), LOCAL_TZ)
    m = _TIME.match(time_text.strip())
    if m is None:
        return None
    try:
        clock = dt.time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
    except ValueError:
        return None
    return dt.datetime.combine(day, clock, LOCAL_TZ)


def _excel_serial(value: int | float) -> dt.datetime | None:
    if 1 <= value <= _EXCEL_SERIAL_MAX:
        result = from_excel(value)
        return result if isinstance(result, dt.datetime) else None
    return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _scalar(spec: FieldSpec, value: Any) -> Any:
    """One non-empty cell value (or list item) converted for ``spec``'s kind."""
    kind = spec.kind
    if kind is Kind.BOOL:
        if isinstance(value, bool):
            return value
        text = cell_text(value) or ""
        lowered = text.lower()
        if lowered in TRUE_TEXTS:
            return True
        if lowered in FALSE_TEXTS:
            return False
        return text
    if kind is Kind.DATE:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if _number(value) and float(value).is_integer():
            serial = _excel_serial(float(value))
            if serial is not None:
                return serial.date()
        text = cell_text(value) or ""
        return parse_date(unicodedata.normalize("NFKC", text)) or text
    if kind is Kind.DATETIME:
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time(0, 0), LOCAL_TZ)
        text = unicodedata.normalize("NFKC", cell_text(value) or "")
        return parse_datetime(text) or text
    if kind in (Kind.INT, Kind.DECIMAL, Kind.FLOAT):
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, float):
            if kind is Kind.INT and value.is_integer():
                return int(value)
            return Decimal(repr(value)) if kind is Kind.DECIMAL else value
        if isinstance(value, int | Decimal):
            return value
        text = unicodedata.normalize("NFKC", cell_text(value) or "")
        text = re.sub(r"[\s,¥]", "", text).removesuffix("元")
        return text
    if kind is Kind.ENUM and spec.enum is not None:
        text = cell_text(value) or ""
        return _match_enum(spec.enum, text)
    return cell_text(value)


def _match_enum(enum: type[Enum], text: str) -> Any:
    """A label or value, tolerant of width and case; anything else is left for the schema."""
    wanted = unicodedata.normalize("NFKC", text).strip().lower()
    for member in enum:
        label = member.label if isinstance(member, LabeledEnum) else str(member.value)
        for candidate in (label, str(member.value)):
            if unicodedata.normalize("NFKC", candidate).lower() == wanted:
                return member.value
    return text


def split_multi(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [part.strip() for part in MULTI_SEPARATORS.split(value) if part.strip()]
    return [value]


def to_python(spec: FieldSpec, value: Any) -> Any:
    """A non-empty cell for a non-reference column, ready for the create schema."""
    if spec.many:
        return [_scalar(spec, item) for item in split_multi(value)]
    return _scalar(spec, value)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
