"""What the generic register pages show: list columns, cell values, filter controls, related rows.

Presentation only: the data comes from the kit services (scoped by the actor's tenancy).
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from markupsafe import Markup, escape
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.errors import NotFound
from shuanggao.imports.fields import FieldSpec, Kind, enum_label, field_specs
from shuanggao.kit import service
from shuanggao.kit.enums import LabeledEnum
from shuanggao.kit.http.templating import fmt_date, fmt_number, fmt_yuan_exact
from shuanggao.kit.register import Filter, Register, all_registers, get_register
from shuanggao.web import repository
from shuanggao.web.forms import LONG_TEXT_FIELDS, MAX_SELECT_OPTIONS, ref_options
from shuanggao.web.hooks import HooksTable, page_hooks

MAX_LIST_COLUMNS = 6
PAGE_SIZES = (20, 50, 100)
_SKIP_IN_LIST = frozenset({"source_url", "source_date", "phone", "address", "evidence_url"})


def specs_by_field(reg: Register[Any]) -> dict[str, FieldSpec]:
    return {s.field: s for s in field_specs(reg)}


def list_specs(reg: Register[Any], table: HooksTable) -> list[FieldSpec]:
    by_field = specs_by_field(reg)
    hooks = page_hooks(table, reg.name)
    if hooks.list_fields is not None:
        return [by_field[f] for f in hooks.list_fields if f in by_field]
    chosen = [
        s
        for s in field_specs(reg)
        if s.field not in LONG_TEXT_FIELDS and s.field not in _SKIP_IN_LIST
    ]
    return chosen[:MAX_LIST_COLUMNS]


def record_href(reg_name: str, obj_id: Any) -> str:
    return f"/r/{reg_name}/{obj_id}"


def _ref_text(spec: FieldSpec, obj: Any) -> Any:
    ref = spec.column.ref
    if ref is None:
        return None
    try:
        return ref.render(obj)
    except (InvalidRequestError, AttributeError):
        return None


def raw_value(spec: FieldSpec, obj: Any) -> Any:
    if spec.column.ref is not None:
        rendered = _ref_text(spec, obj)
        if rendered is not None:
            return rendered
    if spec.column.export is not None:
        return spec.column.export(obj)
    return getattr(obj, spec.field, None)


def format_value(spec: FieldSpec, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list | tuple | set):
        return "、".join(format_value_scalar(spec, v) for v in value) or "—"
    return format_value_scalar(spec, value)


def format_value_scalar(spec: FieldSpec, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if spec.kind is Kind.ENUM and spec.enum is not None and spec.column.ref is None:
        return str(enum_label(spec.enum, value))
    if isinstance(value, LabeledEnum):
        return value.label
    if isinstance(value, bool):
        return "是" if value else "否"
    if spec.money and isinstance(value, Decimal | int):
        return fmt_yuan_exact(value)
    if isinstance(value, dt.datetime | dt.date):
        return fmt_date(value)
    if isinstance(value, Decimal | int):
        return fmt_number(value)
    return str(value)


def visible_cells(
    reg: Register[Any], actor: Actor, specs: Sequence[FieldSpec], obj: Any
) -> list[Markup]:
    """The cells of ``obj`` as ``actor`` may see them: fields the register hides from this reader
    (an anonymous demand's enterprise) show their masked value, never a link."""
    instead = reg.shown_instead(actor, obj)
    return [
        escape(format_value(s, instead[s.field])) if s.field in instead else cell(s, obj)
        for s in specs
    ]


# Fields whose values are workflow states, shown as coloured badges; the tone by stored value.
STATUS_FIELDS = frozenset({"status", "triage_state", "state", "progress"})
STATUS_TONES: dict[str, str] = {
    "not_started": "gray",
    "in_progress": "blue",
    "landed": "green",
    "draft": "gray",
    "submitted": "orange",
    "approved": "green",
    "pending": "orange",
    "refined": "green",
    "rediagnose": "red",
    "long_term": "blue",
    "preparing": "gray",
    "active": "blue",
    "terminated": "red",
    "recommended": "blue",
    "viewed": "gray",
    "interested": "green",
    "dismissed": "gray",
}


def cell(spec: FieldSpec, obj: Any, *, link_refs: bool = True) -> Markup:
    """One table/detail cell: the value in Chinese, a link to a single referenced record."""
    value = raw_value(spec, obj)
    text = format_value(spec, value)
    if spec.field in STATUS_FIELDS and spec.enum is not None and isinstance(value, str):
        tone = STATUS_TONES.get(value, "gray")
        return Markup('<span class="badge badge-{}">{}</span>').format(tone, text)
    ref = spec.column.ref
    if link_refs and ref is not None and not spec.many:
        target_id = getattr(obj, spec.field, None)
        if target_id is not None and text != "—":
            href = record_href(ref.target, target_id)
            return Markup('<a href="{}">{}</a>').format(href, text)
    if spec.field.endswith("_url") and isinstance(value, str) and value.startswith("http"):
        return Markup('<a class="source-link" href="{}" rel="noopener noreferrer">{}</a>').format(
            value, value
        )
    return escape(text)


def is_numeric(spec: FieldSpec) -> bool:
    return spec.kind in (Kind.INT, Kind.DECIMAL, Kind.FLOAT) and spec.column.ref is None


def cell_class(spec: FieldSpec) -> str:
    """CSS class of a list cell: numbers right-aligned, short values kept on one line."""
    if is_numeric(spec):
        return "num"
    if spec.kind in (Kind.DATE, Kind.DATETIME, Kind.BOOL) or (
        spec.kind is Kind.ENUM and not spec.many
    ):
        return "nowrap"
    return ""


# ---------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------


@dataclass
class FilterControl:
    name: str
    label: str
    kind: str  # select | text | number
    value: str
    options: list[tuple[str, str]] = field(default_factory=list)


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            tp = args[0] if args else str
        else:
            return tp


def _filter_enum(reg: Register[Any], flt: Filter) -> type[Enum] | None:
    spec = specs_by_field(reg).get(flt.attr) or specs_by_field(reg).get(flt.name)
    if spec is not None and spec.enum is not None:
        return spec.enum
    for name in (flt.attr, flt.name):
        info = reg.read_schema.model_fields.get(name)
        if info is not None:
            tp = _unwrap(info.annotation)
            if isinstance(tp, type) and issubclass(tp, Enum):
                return tp
    return None


def field_enum(reg: Register[Any], field_name: str) -> type[Enum] | None:
    """The enum a register's field holds (from its import column or its read schema)."""
    spec = specs_by_field(reg).get(field_name)
    if spec is not None and spec.enum is not None:
        return spec.enum
    info = reg.read_schema.model_fields.get(field_name)
    if info is not None:
        tp = _unwrap(info.annotation)
        if isinstance(tp, type) and issubclass(tp, Enum):
            return tp
    return None


def label_of(reg: Register[Any], field_name: str, value: Any) -> str:
    """A stored value as the user reads it: an enum's Chinese label, else the value."""
    enum = field_enum(reg, field_name)
    return str(enum_label(enum, value)) if enum is not None else str(value)


def _filter_ref_target(reg: Register[Any], flt: Filter) -> Register[Any] | None:
    spec = specs_by_field(reg).get(flt.attr) or specs_by_field(reg).get(flt.name)
    target_name = spec.column.ref.target if spec is not None and spec.column.ref else None
    if target_name is None and flt.type is int and flt.name.endswith("_id"):
        # e.g. ``university_id`` filtering pairings by member: name the target by convention.
        guess = flt.name.removesuffix("_id")
        for reg_candidate in all_registers():
            if reg_candidate.name in (guess + "s", guess.removesuffix("y") + "ies"):
                target_name = reg_candidate.name
    if target_name is None:
        return None
    try:
        return get_register(target_name)
    except KeyError:
        return None


def parse_filters(
    reg: Register[Any], params: Mapping[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """Typed filter values from the query string, and the labels of values that made no sense."""
    values: dict[str, Any] = {}
    bad: list[str] = []
    for flt in reg.filters:
        raw = (params.get(flt.name) or "").strip()
        if not raw:
            continue
        if flt.type is bool:
            if raw.lower() in ("true", "1", "是", "yes"):
                values[flt.name] = True
            elif raw.lower() in ("false", "0", "否", "no"):
                values[flt.name] = False
            else:
                bad.append(flt.label)
        elif flt.type is int:
            try:
                values[flt.name] = int(raw)
            except ValueError:
                bad.append(flt.label)
        else:
            enum = _filter_enum(reg, flt)
            if enum is not None and issubclass(enum, LabeledEnum):
                parsed = enum.parse(raw)
                values[flt.name] = parsed.value if isinstance(parsed, enum) else raw
            else:
                values[flt.name] = raw
    return values, bad


def filter_controls(
    session: Session,
    actor: Actor,
    reg: Register[Any],
    params: Mapping[str, str],
    hooks: HooksTable,
) -> list[FilterControl]:
    controls: list[FilterControl] = []
    for flt in reg.filters:
        current = (params.get(flt.name) or "").strip()
        if flt.type is bool:
            yes_no = [("true", "是"), ("false", "否")]
            controls.append(FilterControl(flt.name, flt.label, "select", current, yes_no))
            continue
        enum = _filter_enum(reg, flt)
        if enum is not None:
            options = (
                [(m.value, m.label) for m in enum]
                if issubclass(enum, LabeledEnum)
                else [(str(m.value), str(m.value)) for m in enum]
            )
            controls.append(FilterControl(flt.name, flt.label, "select", current, options))
            continue
        target = _filter_ref_target(reg, flt)
        if target is not None:
            found = ref_options(session, actor, target, hooks)
            if found is not None:
                controls.append(FilterControl(flt.name, flt.label, "select", current, found))
            elif current:
                # Too many to list: keep the filter that a link set, with the record's name.
                controls.append(_single_ref_control(session, actor, target, flt, current))
            continue
        if flt.type is int:
            controls.append(FilterControl(flt.name, flt.label, "number", current))
            continue
        values = _distinct(session, actor, reg, flt)
        if values is not None:
            options = [(str(v), str(v)) for v in values]
            controls.append(FilterControl(flt.name, flt.label, "select", current, options))
        else:
            controls.append(FilterControl(flt.name, flt.label, "text", current))
    return controls


def _distinct(session: Session, actor: Actor, reg: Register[Any], flt: Filter) -> list[Any] | None:
    if not hasattr(reg.model, flt.attr):
        return None
    return repository.distinct_values(session, actor, reg, flt.attr, MAX_SELECT_OPTIONS)


def _single_ref_control(
    session: Session, actor: Actor, target: Register[Any], flt: Filter, current: str
) -> FilterControl:
    label = current
    try:
        obj = service.get_record(session, actor, target, int(current))
    except (ValueError, NotFound):
        pass  # an unreadable or invisible id is shown as typed (the list is empty anyway)
    else:
        label = target.title_of(obj)
    return FilterControl(flt.name, flt.label, "select", current, [(current, label)])


# ---------------------------------------------------------------------------------------------
# Related records on a detail page
# ---------------------------------------------------------------------------------------------


def related_blocks(
    session: Session, actor: Actor, reg: Register[Any], obj: Any, limit: int = 5
) -> list[dict[str, Any]]:
    """For every register that filters by a reference to ``reg``: how many rows point at ``obj``."""
    blocks: list[dict[str, Any]] = []
    for other in all_registers():
        if other is reg:
            continue
        for flt in other.filters:
            if flt.type is not int:
                continue
            target = _filter_ref_target(other, flt)
            if target is not reg:
                continue
            from shuanggao.kit.http.nav import register_visible

            if not register_visible(other, actor):
                break
            page = service.list_records(
                session, actor, other, filters={flt.name: obj.id}, page_size=limit
            )
            blocks.append(
                {
                    "label": other.label,
                    "total": page.total,
                    "href": f"/r/{other.name}?{flt.name}={obj.id}",
                    "items": [
                        (other.title_of(o), record_href(other.name, o.id)) for o in page.items
                    ],
                }
            )
            break
    return blocks
