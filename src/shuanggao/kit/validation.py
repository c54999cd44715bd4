"""Pydantic validation errors, told in Chinese with the field that caused them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError, ValidationInfo, create_model, field_validator
from pydantic.fields import FieldInfo

SURROGATE_MESSAGE = "包含无效字符（不成对的 Unicode 代理码位），请删除后重试"

_MESSAGES: dict[str, str] = {
    "missing": "必填项，不能为空",
    "string_too_short": "内容太短（至少 {min_length} 个字符）",
    "string_too_long": "内容太长（最多 {max_length} 个字符）",
    "string_type": "应为文本",
    "string_pattern_mismatch": "格式不正确",
    "string_unicode": SURROGATE_MESSAGE,
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_places": "小数位数过多（最多 {decimal_places} 位）",
    "decimal_max_digits": "数字位数过多",
    "bool_parsing": "应为“是”或“否”",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期不应包含时间",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 YYYY-MM-DD HH:MM",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
    "list_type": "应为列表",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "url_parsing": "网址格式不正确",
    "url_scheme": "网址应以 http:// 或 https:// 开头",
    "extra_forbidden": "不支持的字段",
    "json_invalid": "JSON 格式不正确",
    "model_attributes_type": "数据格式不正确",
    "model_type": "数据格式不正确",
    "dict_type": "数据格式不正确",
}


def message_for(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = dict(error.get("ctx") or {})
    if kind in ("value_error", "assertion_error"):
        # Our validators raise ValueError with a Chinese message; pydantic wraps it.
        raw = ctx.get("error")
        text = str(raw) if raw is not None else str(error.get("msg", ""))
        return text.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    template = _MESSAGES.get(kind)
    if template is None:
        return "取值无效"
    if "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace("'", "").replace(" or ", "、")
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split("（")[0]


def field_of(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if not isinstance(p, int) and p not in ("body", "query", "path")]
    return ".".join(parts) or "__all__"


def field_errors(exc: ValidationError | Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """``{field: message}``, first message per field."""
    errors = exc.errors() if isinstance(exc, ValidationError) else exc
    out: dict[str, str] = {}
    for err in errors:
        out.setdefault(field_of(err.get("loc", ())), message_for(err))
    return out


# Free text without its own limit (notes, descriptions) holds at most this many characters.
TEXT_MAX_LENGTH = 20_000


# A lone UTF-16 surrogate (JSON "\ud800") is no character: no database encoding can hold it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _texts(value: Any) -> list[str]:
    """Every string in ``value``, however deeply it sits in lists, tuples and dicts."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        return [text for pair in value.items() for item in pair for text in _texts(item)]
    return []


def _own_max_length(field: FieldInfo | None) -> int | None:
    if field is None:
        return None
    for meta in field.metadata:
        limit = getattr(meta, "max_length", None)
        if isinstance(limit, int):
            return limit
    return None


def check_text(value: Any, *, max_length: int | None = TEXT_MAX_LENGTH) -> Any:
    """Refuse text no database can store the same way: NUL (PostgreSQL), lone surrogates (any
    UTF-8 encoding), and (``max_length``) text longer than the limit."""
    for text in _texts(value):
        if max_length is not None and len(text) > max_length:
            raise ValueError(f"内容太长（最多 {max_length} 个字符）")
        if "\x00" in text:
            raise ValueError("不能包含空字符")
        if _SURROGATE.search(text):
            raise ValueError(SURROGATE_MESSAGE)
    return value


class CleanInput(BaseModel):
    """Base of input schemas: every text field, whatever its type says, is checked the same way:
    no NUL, no lone surrogate, and at most ``TEXT_MAX_LENGTH`` characters unless the field sets
    its own ``max_length``. ``guarded`` gives any schema this base."""

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        own = _own_max_length(field)
        return check_text(value, max_length=None if own is not None else TEXT_MAX_LENGTH)


def guarded(schema: type[BaseModel]) -> type[BaseModel]:
    """``schema`` with ``CleanInput``'s text checks (itself when it has them already)."""
    if issubclass(schema, CleanInput):
        return schema
    return create_model(  # type: ignore[no-any-return,call-overload]
        schema.__name__,
        __base__=(schema, CleanInput),
        __module__=schema.__module__,
        __doc__=schema.__doc__,
    )
