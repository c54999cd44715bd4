"""Create/edit forms generated from a register: its ``Column``s and its create/update schemas.

The form shows the register's import columns (the same Chinese headers, help and conversions as
the spreadsheet import, ``shuanggao.imports.fields``) that the schema accepts. Submitted text is
turned into the schema's input here; the schema and then the service have the last word, and
their errors come back per field in Chinese.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.imports.fields import (
    EXPORT_JOINER,
    FieldSpec,
    Kind,
    field_specs,
    split_multi,
    to_python,
)
from shuanggao.kit import service
from shuanggao.kit.enums import LabeledEnum
from shuanggao.kit.register import Register, get_register
from shuanggao.kit.validation import field_errors
from shuanggao.web import repository
from shuanggao.web.hooks import HooksTable, page_hooks

# A reference field offers a select when the target has at most this many rows for the actor.
MAX_SELECT_OPTIONS = 200
MODE_PREFIX = "_mode."
LONG_TEXT_FIELDS = frozenset({"note", "description", "evidence", "content", "summary", "abstract"})
REQUIRED_MESSAGE = "必填项，不能为空"
# Text fields that may hold this many characters get a multi-line box.
LONG_TEXT_LENGTH = 500

FormData = Mapping[str, str | list[str]]


@dataclass
class FormField:
    name: str
    label: str
    kind: str  # text | number | date | select | textarea | checkbox | url
    required: bool = False
    hint: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    value: Any = None
    wide: bool = False
    step: str | None = None
    multiple: bool = False
    # For references: "id" (a select of records) or "text" (the record's name or code typed in).
    ref_mode: str | None = None
    spec: FieldSpec | None = None

    @property
    def mode_name(self) -> str:
        return MODE_PREFIX + self.name

    def selected(self, option_value: str) -> bool:
        if isinstance(self.value, list | tuple | set):
            return option_value in {str(v) for v in self.value}
        return self.value is not None and str(self.value) == option_value


def form_specs(reg: Register[Any], schema: type[BaseModel]) -> list[FieldSpec]:
    """The import columns that ``schema`` accepts, in column order."""
    accepted = set(schema.model_fields) - {"version"}
    return [s for s in field_specs(reg) if s.field in accepted]


def _enum_options(enum: type[Enum]) -> list[tuple[str, str]]:
    if issubclass(enum, LabeledEnum):
        return [(m.value, m.label) for m in enum]
    return [(str(m.value), str(m.value)) for m in enum]


def ref_options(
    session: Session, actor: Actor, target: Register[Any], hooks: HooksTable
) -> list[tuple[str, str]] | None:
    """``[(id, title)]`` of the target records the actor can see, or None when there are many."""
    custom = page_hooks(hooks, target.name).options
    if custom is not None:
        found = custom(session, actor, MAX_SELECT_OPTIONS)
        return None if found is None else [(str(i), t) for i, t in found]
    try:
        rows = repository.title_options(session, actor, target, MAX_SELECT_OPTIONS)
    except LookupError:
        pass  # the title is computed from related rows: load the records
    else:
        return None if rows is None else [(str(i), t) for i, t in rows]
    page = service.list_records(session, actor, target, page_size=MAX_SELECT_OPTIONS)
    if page.total > MAX_SELECT_OPTIONS:
        return None
    return [(str(obj.id), target.title_of(obj)) for obj in page.items]


def _target(spec: FieldSpec) -> Register[Any] | None:
    if spec.column.ref is None:
        return None
    try:
        return get_register(spec.column.ref.target)
    except KeyError:
        return None


def _max_length(schema: type[BaseModel], name: str) -> int | None:
    info = schema.model_fields.get(name)
    if info is None:
        return None
    for meta in info.metadata:
        limit = getattr(meta, "max_length", None)
        if isinstance(limit, int):
            return limit
    return None


def _kind_for(spec: FieldSpec, max_length: int | None = None) -> tuple[str, str | None]:
    if spec.kind is Kind.BOOL:
        return "checkbox", None
    if spec.kind is Kind.DATE:
        return "date", None
    if spec.kind is Kind.INT and not spec.many:
        return "number", "1"
    if spec.kind is Kind.DECIMAL and not spec.many:
        return "number", "0.01" if spec.money else "any"
    if spec.kind is Kind.FLOAT and not spec.many:
        return "number", "any"
    if spec.kind is Kind.ENUM and spec.enum is not None and not spec.many:
        return "select", None
    if spec.field in LONG_TEXT_FIELDS or (
        spec.kind is Kind.TEXT and not spec.many and (max_length or 0) >= LONG_TEXT_LENGTH
    ):
        return "textarea", None
    if spec.field.endswith("_url"):
        return "url", None
    return "text", None


def _hint(spec: FieldSpec, ref_mode: str | None, target: Register[Any] | None) -> str:
    parts: list[str] = []
    if ref_mode == "text" and target is not None:
        if spec.column.help:
            parts.append(spec.column.help)
        else:
            parts.append(f"填写已登记的{target.label}名称或代码")
        if spec.many and "分隔" not in spec.column.help:
            parts.append("多个用“；”分隔")
    elif spec.kind is not Kind.BOOL:
        if spec.column.help and not (spec.kind is Kind.ENUM and not spec.many):
            parts.append(spec.column.help)
        elif spec.many and "分隔" not in spec.column.help:
            parts.append("多个用“；”分隔")
        if spec.money:
            parts.append("单位：元，最多两位小数")
    if spec.column.example and spec.kind not in (Kind.BOOL, Kind.ENUM) and ref_mode != "id":
        parts.append(f"例：{spec.column.example}")
    return "；".join(dict.fromkeys(parts))


def display_value(spec: FieldSpec, obj: Any) -> Any:
    """The form value of a stored record's field (for the edit form)."""
    value = getattr(obj, spec.field, None)
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}" if spec.money else str(value)
    if isinstance(value, Enum):
        return str(value.value)
    return value


def build_fields(
    session: Session,
    actor: Actor,
    reg: Register[Any],
    schema: type[BaseModel],
    hooks: HooksTable,
    *,
    obj: Any = None,
    submitted: FormData | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> list[FormField]:
    """The fields of a create (``obj`` None) or edit form, from the record or a submission."""
    fields: list[FormField] = []
    # An edit form shows personal fields as the reader may see them (masked); sent back
    # unchanged, the masked value is ignored by the update (``kit.personal.is_masked_echo``).
    instead = reg.shown_instead(actor, obj) if obj is not None else {}
    for spec in form_specs(reg, schema):
        target = _target(spec)
        kind, step = _kind_for(spec, _max_length(schema, spec.field))
        options: list[tuple[str, str]] = []
        ref_mode: str | None = None
        multiple = False
        if target is not None:
            found = ref_options(session, actor, target, hooks)
            if found is not None:
                ref_mode, kind, options, multiple = "id", "select", found, spec.many
            else:
                ref_mode, kind = "text", "text"
        elif spec.column.ref is not None:
            # A reference to something that is not a register (a user account): typed by name.
            ref_mode, kind = "text", "text"
        elif kind == "select" and spec.enum is not None:
            options = _enum_options(spec.enum)
        if submitted is not None:
            value: Any = _submitted_value(submitted, spec.field, kind, multiple)
        elif spec.field in instead:
            value = instead[spec.field]
        elif obj is not None:
            value = _stored_value(session, spec, obj, ref_mode)
        else:
            value = (defaults or {}).get(spec.field, _schema_default(schema, spec.field))
            if ref_mode == "text":
                value = _ref_names(session, spec, value)
        if kind == "checkbox":
            value = _ticked(value)
        elif isinstance(value, list) and not multiple:
            value = EXPORT_JOINER.join(str(_shown(spec, v)) for v in value)
        fields.append(
            FormField(
                name=spec.field,
                label=spec.header,
                kind=kind,
                required=spec.required,
                hint=_hint(spec, ref_mode, target),
                options=options,
                value=value,
                wide=kind == "textarea" or (spec.many and not multiple),
                step=step,
                multiple=multiple,
                ref_mode=ref_mode,
                spec=spec,
            )
        )
    return fields


def _submitted_value(form: FormData, name: str, kind: str, multiple: bool) -> Any:
    """What the person sent for a field, as the form shows it again: every value of a
    multi-select, the ticked state of a checkbox (sent as a hidden "false" plus "true"), the
    text of any other input exactly as typed."""
    raws = _raw(form, name)
    if kind == "checkbox":
        return "true" in raws
    if multiple:
        return raws
    return raws[-1] if raws else None


def _ticked(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return any(_ticked(v) for v in value)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "on", "1", "是", "yes")
    return bool(value)


def _shown(spec: FieldSpec, value: Any) -> Any:
    """One stored item of a multi-valued field as the person types it (an enum by its label)."""
    if spec.enum is not None and issubclass(spec.enum, LabeledEnum):
        if isinstance(value, Enum):
            value = value.value
        try:
            return spec.enum(value).label
        except ValueError:
            return value
    return value.value if isinstance(value, Enum) else value


def _ref_names(session: Session, spec: FieldSpec, value: Any) -> Any:
    """A pre-filled reference (the actor's own university, ``?zone_id=`` from a link) given by
    id, as the name the person would type and the form reads back."""
    ref = spec.column.ref
    if ref is None or ref.name_of is None or value is None:
        return value
    items = value if isinstance(value, list | tuple) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, bool) or not (
            isinstance(item, int) or (isinstance(item, str) and item.strip().isdigit())
        ):
            return value  # already text
        name = ref.name_of(session, int(item))
        if name is None:
            return None  # an id that names nothing is not offered to the person
        names.append(name)
    return names if isinstance(value, list | tuple) else names[0]


def _blank_default(info: Any) -> Any:
    if info is None or info.is_required():
        return None
    return info.get_default(call_default_factory=True)


def _schema_default(schema: type[BaseModel], name: str) -> Any:
    """The schema's default for a field (an enum's value), None when it has none or it is empty."""
    info = schema.model_fields.get(name)
    if info is None or info.is_required():
        return None
    default = info.get_default(call_default_factory=True)
    if isinstance(default, Enum):
        return default.value
    if default in ([], "", False):
        return None
    return default


def _stored_value(session: Session, spec: FieldSpec, obj: Any, ref_mode: str | None) -> Any:
    if ref_mode == "text" and spec.column.ref is not None:
        try:
            rendered = spec.column.ref.render(obj)
        except InvalidRequestError:
            rendered = None
        if rendered is not None:
            return rendered
        return _ref_names(session, spec, display_value(spec, obj))
    return display_value(spec, obj)


@dataclass
class ParsedForm:
    values: dict[str, Any]
    errors: dict[str, str]


def _raw(form: FormData, name: str) -> list[str]:
    raw = form.get(name)
    if raw is None:
        return []
    if isinstance(raw, list):
        return [str(r) for r in raw]
    return [str(raw)]


def parse_form(
    session: Session,
    reg: Register[Any],
    schema: type[BaseModel],
    form: FormData,
    *,
    editing: bool,
) -> ParsedForm:
    """Turn submitted text into the schema's input; unknown references become field errors."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    create_fields = reg.create_schema.model_fields
    for spec in form_specs(reg, schema):
        name = spec.field
        raws = [r for r in _raw(form, name) if r.strip()]
        if spec.kind is Kind.BOOL:
            # A checkbox sends "false" (hidden) and, when ticked, "true".
            values[name] = "true" in raws
            continue
        if not raws:
            info = create_fields.get(name)
            required = spec.required or (info is not None and info.is_required())
            if editing and required:
                errors[name] = REQUIRED_MESSAGE
            elif editing:
                # Clearing a field stores what a new record gets when it is left blank ("" for
                # a text that cannot be null), not None.
                values[name] = [] if spec.many else _blank_default(info)
            elif spec.many and spec.column.ref is not None and spec.required:
                values[name] = []
            continue
        ref = spec.column.ref
        if ref is not None:
            mode = (_raw(form, MODE_PREFIX + name) or ["text"])[0]
            resolved, error = _resolve_ref(session, spec, raws, mode)
            if error:
                errors[name] = error
            else:
                values[name] = resolved if spec.many else resolved[0]
            continue
        text = raws[0] if len(raws) == 1 else EXPORT_JOINER.join(raws)
        values[name] = to_python(spec, text)
    return ParsedForm(values=values, errors=errors)


def _resolve_ref(
    session: Session, spec: FieldSpec, raws: Sequence[str], mode: str
) -> tuple[list[int], str]:
    ref = spec.column.ref
    assert ref is not None
    target = _target(spec)
    label = target.label if target is not None else spec.header
    ids: list[int] = []
    if mode == "id":
        for raw in raws:
            try:
                ids.append(int(raw))
            except ValueError:
                return [], f"请选择{label}"
        return ids, ""
    parts = [p for raw in raws for p in split_multi(raw)] if spec.many else [raws[0].strip()]
    for part in parts:
        found = ref.resolve(session, str(part))
        if found is None:
            return [], f"未找到{label}“{part}”，请填写已登记的名称或代码"
        ids.append(found)
    return ids, ""


def validate(
    schema: type[BaseModel], values: Mapping[str, Any]
) -> tuple[BaseModel | None, dict[str, str]]:
    """The schema instance, or the Chinese message of each bad field."""
    try:
        return schema.model_validate(dict(values)), {}
    except ValidationError as exc:
        return None, field_errors(exc)
