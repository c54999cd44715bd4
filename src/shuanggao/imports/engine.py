"""The import engine: a read table → a plan (creates, updates, unchanged, every bad row) → writes.

Planning writes nothing. Rows are converted cell by cell (``fields``), validated through the
register's create schema, checked for duplicate keys inside the file, matched against existing rows
by the natural key in bulk, checked against the tenancy policy and the register's ``validate``
hook, and checked against the table's other unique constraints. Writing applies a clean plan as
upserts: only changed rows are touched, each gets one version bump.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import insert
from sqlalchemy.orm import Session

from shuanggao import personal
from shuanggao.actor import ROLE_TENANT, Actor
from shuanggao.db import sealed
from shuanggao.db.types import FEN
from shuanggao.errors import AppError
from shuanggao.imports.fields import (
    FieldSpec,
    cell_text,
    enum_labels,
    field_specs,
    is_blank,
    normalize_header,
    split_multi,
    to_python,
)
from shuanggao.imports.files import Table
from shuanggao.imports.plans import Plan, PlanContext, PlannedRow, RowCode, RowError
from shuanggao.imports.repository import Key, key_of, plain, rows_by_key
from shuanggao.imports.row_warnings import row_warnings
from shuanggao.imports.uniques import unique_conflicts
from shuanggao.kit.policy import TenantScoped
from shuanggao.kit.register import Register, get_register
from shuanggao.kit.service import apply_update, snapshot
from shuanggao.kit.validation import field_of, message_for

Progress = Callable[[str, int, int], None]
# Row 1 is the header; data starts at row 2, as Excel numbers rows.
HEADER_ROW = 1
WRITE_CHUNK = 2_000


_CHOICE_ERRORS = frozenset({"enum", "literal_error"})


def map_headers(
    specs: list[FieldSpec], header: list[Any]
) -> tuple[dict[int, FieldSpec], list[RowError]]:
    """Which file column holds which field; missing required, unknown and repeated headers."""
    by_norm = {normalize_header(s.header): s for s in specs}
    by_index: dict[int, FieldSpec] = {}
    errors: list[RowError] = []
    seen: set[str] = set()
    for index, raw in enumerate(header):
        if is_blank(raw):
            continue
        text = str(raw).strip()
        spec = by_norm.get(normalize_header(raw))
        if spec is None:
            errors.append(
                RowError(
                    HEADER_ROW,
                    text,
                    RowCode.UNKNOWN_COLUMN,
                    f"无法识别的列“{text}”，请使用模板中的列名。",
                )
            )
            continue
        if spec.field in seen:
            errors.append(
                RowError(
                    HEADER_ROW,
                    spec.header,
                    RowCode.DUPLICATE_COLUMN,
                    f"列“{spec.header}”重复出现。",
                )
            )
            continue
        seen.add(spec.field)
        by_index[index] = spec
    for spec in specs:
        if spec.column.required and spec.field not in seen:
            errors.append(
                RowError(
                    HEADER_ROW,
                    spec.header,
                    RowCode.MISSING_COLUMN,
                    f"缺少必填列“{spec.header}”。",
                )
            )
    return by_index, errors


def _ref_label(ctx: PlanContext, target: str) -> str:
    label = ctx.ref_labels.get(target)
    if label is None:
        try:
            label = get_register(target).label
        except KeyError:
            label = target
        ctx.ref_labels[target] = label
    return label


def _resolve(ctx: PlanContext, spec: FieldSpec, text: str) -> int | None:
    ref = spec.column.ref
    assert ref is not None
    cache_key = (spec.field, text)
    if cache_key not in ctx.ref_cache:
        ctx.ref_cache[cache_key] = ref.resolve(ctx.session, text)
    return ctx.ref_cache[cache_key]


def _convert_row(
    ctx: PlanContext, number: int, cells: list[Any]
) -> tuple[dict[str, Any], list[RowError], set[str]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    failed: set[str] = set()
    for index, spec in ctx.by_index.items():
        raw = cells[index] if index < len(cells) else None
        if is_blank(raw):
            continue
        ref = spec.column.ref
        if ref is None:
            values[spec.field] = to_python(spec, raw)
            continue
        texts = [cell_text(v) or "" for v in split_multi(raw)] if spec.many else [cell_text(raw)]
        ids: list[int] = []
        for text in texts:
            if not text:
                continue
            found = _resolve(ctx, spec, text)
            if found is None:
                label = _ref_label(ctx, ref.target)
                errors.append(
                    RowError(
                        number, spec.header, RowCode.UNKNOWN_REF, f"未找到名为“{text}”的{label}"
                    )
                )
                failed.add(spec.field)
            else:
                ids.append(found)
        if spec.field not in failed:
            values[spec.field] = ids if spec.many else (ids[0] if ids else None)
    return values, errors, failed


def _schema_errors(
    ctx: PlanContext, number: int, exc: ValidationError, failed: set[str]
) -> list[RowError]:
    errors: list[RowError] = []
    seen: set[str] = set()
    for err in exc.errors():
        name = field_of(err.get("loc", ()))
        top = name.split(".")[0]
        if top in failed or top in seen:
            continue
        seen.add(top)
        column = ctx.header_of.get(top, "" if top == "__all__" else top)
        code = RowCode.REQUIRED if err.get("type") == "missing" else RowCode.INVALID
        message = message_for(err)
        spec = ctx.spec_of.get(top)
        if spec is not None and spec.enum is not None and err.get("type") in _CHOICE_ERRORS:
            # Files use the Chinese labels: list those, not the stored English values.
            message = "应为以下之一：" + "、".join(enum_labels(spec.enum))
        errors.append(RowError(number, column, code, message))
    return errors


def _app_error_rows(ctx: PlanContext, number: int, exc: AppError, fallback: str) -> list[RowError]:
    code = str(exc.code)
    if exc.fields:
        return [
            RowError(number, ctx.header_of.get(name, name), code, message)
            for name, message in exc.fields.items()
        ]
    return [RowError(number, fallback, code, exc.detail)]


def _money_fields(specs: list[FieldSpec]) -> list[str]:
    return [s.field for s in specs if s.money]


def _same(old: Any, new: Any) -> bool:
    old, new = plain(old), plain(new)
    if old in (None, "", []) and new in (None, "", []):
        return True
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except ArithmeticError:
            return False
    return bool(old == new)


def _changes(
    ctx: PlanContext, obj: Any, values: dict[str, Any], json_values: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    mapper_keys = set(ctx.reg.model.__mapper__.column_attrs.keys())
    table = ctx.reg.model.__tablename__
    changes: dict[str, Any] = {}
    before: dict[str, Any] | None = None
    for name in sorted(ctx.present):
        if name not in values:
            continue
        new = values[name]
        if name in mapper_keys:
            old = getattr(obj, name)
            if not _same(old, new) and not personal.is_masked_echo(table, name, old, new):
                changes[name] = new
            continue
        # Not a plain column (a list of linked ids...): compare the API's view of the row.
        if before is None:
            before = snapshot(ctx.reg, obj)
        old = before[name] if name in before else getattr(obj, name, None)
        fresh = json_values().get(name) if name in before else new
        if name in ctx.unordered:
            # Linked records (结对高校, 参与企业) are a set: listing them in another order
            # changes nothing (the register decides the order, e.g. the lead first).
            old, fresh = _as_set(old), _as_set(fresh)
        if not _same(old, fresh):
            changes[name] = new
    return changes


def _as_set(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return sorted({str(plain(v)) for v in value})
    return value


def _owner_header(ctx: PlanContext) -> str:
    """The column a tenancy refusal points at (e.g. 所属高新区 for a zone administrator)."""
    policy = ctx.reg.policy
    kind = ROLE_TENANT.get(ctx.actor.role)
    if isinstance(policy, TenantScoped) and kind and kind in policy.owner_fields:
        owner = policy.owner_fields[kind]
        if owner in ctx.header_of:
            return ctx.header_of[owner]
    return _key_header(ctx)


def _key_header(ctx: PlanContext) -> str:
    """The natural-key column to name in a row error: its first non-reference column."""
    specs = {s.field: s for s in ctx.by_index.values()}
    key = ctx.reg.natural_key
    for name in key:
        spec = specs.get(name)
        if spec is not None and spec.column.ref is None:
            return spec.header
    for name in key:
        if name in ctx.header_of:
            return ctx.header_of[name]
    return ""


def _key_text(ctx: PlanContext, values: Mapping[str, Any]) -> str:
    specs = {s.field: s for s in ctx.by_index.values()}
    parts = []
    for name in ctx.reg.natural_key:
        spec = specs.get(name)
        if spec is not None and spec.column.ref is None:
            parts.append(str(plain(values.get(name))))
    return "、".join(parts)


def plan_import(
    session: Session,
    actor: Actor,
    reg: Register[Any],
    table: Table,
    progress: Progress | None = None,
) -> Plan:
    """Everything an import would do, and every bad row. Writes nothing."""
    specs = field_specs(reg)
    plan = Plan(kind=reg.name, row_count=len(table.rows))
    by_index, header_errors = map_headers(specs, table.header)
    if header_errors:
        plan.errors = header_errors
        return plan
    if not table.rows:
        plan.errors = [RowError(HEADER_ROW + 1, "", RowCode.NO_ROWS, "文件中没有数据行。")]
        return plan
    header_of = {s.field: s.header for s in by_index.values()}
    order = {s.header: i for i, s in by_index.items()}
    ctx = PlanContext(session, actor, reg, by_index, header_of, order)
    money = _money_fields(list(by_index.values()))
    schema = reg.create_schema
    errors: list[RowError] = []
    good: list[tuple[PlannedRow, Key | None, BaseModel]] = []
    first_row_of_key: dict[Key, int] = {}
    total = len(table.rows)

    for done, (number, cells) in enumerate(table.rows, start=1):
        values, row_errors, failed = _convert_row(ctx, number, cells)
        model_obj = None
        try:
            model_obj = schema.model_validate(values)
        except ValidationError as exc:
            row_errors.extend(_schema_errors(ctx, number, exc, failed))
        if row_errors or model_obj is None:
            errors.extend(row_errors)
        else:
            dumped = model_obj.model_dump()
            for name in money:
                if dumped.get(name) is not None:
                    dumped[name] = Decimal(dumped[name]).quantize(FEN, rounding=ROUND_HALF_UP)
            key = key_of(dumped, reg.natural_key) if reg.natural_key else None
            first = first_row_of_key.get(key) if key is not None else None
            if first is not None:
                errors.append(
                    RowError(
                        number,
                        _key_header(ctx),
                        RowCode.DUPLICATE_IN_FILE,
                        f"与第 {first} 行重复（{_key_text(ctx, dumped) or '相同记录'}）",
                    )
                )
            else:
                if key is not None:
                    first_row_of_key[key] = number
                good.append((PlannedRow(number, dumped), key, model_obj))
        if progress is not None and (done % 500 == 0 or done == total):
            progress("validate", done, total)

    existing: dict[Key, Any] = {}
    if reg.natural_key:
        existing = rows_by_key(session, reg, reg.natural_key, [k for _, k, _ in good if k])

    owner_header = _owner_header(ctx)
    key_header = _key_header(ctx)
    for planned, key, model_obj in good:
        obj = existing.get(key) if key is not None else None
        if obj is not None:
            if not reg.policy.can_modify(actor, obj):
                errors.append(_forbidden(planned.number, owner_header))
                continue
            changes = _changes(ctx, obj, planned.values, _json_dump(model_obj))
            if not changes:
                plan.unchanged += 1
                continue
            merged = {**snapshot(reg, obj), **changes}
            if not reg.policy.can_keep(actor, merged):
                errors.append(_forbidden(planned.number, owner_header))
                continue
            if _run_hook(ctx, planned.number, merged, obj, key_header, errors):
                planned.existing = obj
                planned.changes = changes
                plan.updates.append(planned)
        else:
            if not reg.policy.can_create(actor, planned.values):
                errors.append(_forbidden(planned.number, owner_header))
                continue
            if _run_hook(ctx, planned.number, planned.values, None, key_header, errors):
                plan.creates.append(planned)

    errors.extend(unique_conflicts(ctx, plan))
    errors.sort(key=lambda e: (e.row, order.get(e.column, -1)))
    plan.errors = errors
    if errors:
        plan.creates, plan.updates, plan.unchanged = [], [], 0
    else:
        plan.warnings = row_warnings(ctx, plan)
    return plan


def _json_dump(model_obj: BaseModel) -> Callable[[], dict[str, Any]]:
    def dump() -> dict[str, Any]:
        return model_obj.model_dump(mode="json")

    return dump


def _forbidden(number: int, column: str) -> RowError:
    return RowError(number, column, RowCode.FORBIDDEN, "您无权导入这一行：它不属于您管理的范围。")


def _run_hook(
    ctx: PlanContext,
    number: int,
    values: dict[str, Any],
    obj: Any,
    fallback: str,
    errors: list[RowError],
) -> bool:
    table = ctx.reg.model.__tablename__
    masked = [
        name
        for name in personal.masked_values_left(table, values)
        if obj is None or not personal.is_masked_echo(table, name, getattr(obj, name), values[name])
    ]
    if masked:
        # A masked phone (an export) is only kept as "unchanged" on the row it came from.
        errors.extend(
            RowError(
                number, ctx.header_of.get(n, n), RowCode.INVALID, "请填写完整的号码，不能包含“*”。"
            )
            for n in masked
        )
        return False
    hook = ctx.reg.validate
    if hook is None:
        return True
    try:
        hook(ctx.session, ctx.actor, values, obj)
    except AppError as exc:
        errors.extend(_app_error_rows(ctx, number, exc, fallback))
        return False
    return True


def write_plan(
    session: Session, reg: Register[Any], plan: Plan, progress: Progress | None = None
) -> tuple[list[int], list[int]]:
    """Apply a clean plan: insert the new rows, change only what differs. Flushes, never commits."""
    assert plan.ok
    model: Any = reg.model
    mapper_keys = set(model.__mapper__.column_attrs.keys())
    total = len(plan.creates) + len(plan.updates)
    done = 0
    created: list[int] = []
    bulk = reg.apply_extra is None
    for start in range(0, len(plan.creates), WRITE_CHUNK):
        if bulk:
            # No linked rows to attach: one multi-row INSERT … RETURNING per chunk.
            chunk = [
                {k: v for k, v in row.values.items() if k in mapper_keys}
                for row in plan.creates[start : start + WRITE_CHUNK]
            ]
            for values in chunk:
                if "is_demo" in mapper_keys:
                    values["is_demo"] = False
                sealed.fill_blind_indexes(model.__tablename__, values)
            stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
            created.extend(int(i) for i in session.scalars(stmt, chunk))
            done += len(chunk)
            if progress is not None:
                progress("write", done, total)
            continue
        batch: list[tuple[Any, dict[str, Any]]] = []
        for row in plan.creates[start : start + WRITE_CHUNK]:
            values = dict(row.values)
            extra = {k: values.pop(k) for k in list(values) if k not in mapper_keys}
            obj = model(**values)
            if hasattr(obj, "is_demo"):
                obj.is_demo = False
            batch.append((obj, extra))
        session.add_all([obj for obj, _ in batch])
        session.flush()
        if reg.apply_extra is not None:
            for obj, extra in batch:
                reg.apply_extra(session, obj, extra)
            session.flush()
        created.extend(int(obj.id) for obj, _ in batch)
        done += len(batch)
        if progress is not None:
            progress("write", done, total)
    updated: list[int] = []
    for start in range(0, len(plan.updates), WRITE_CHUNK):
        for row in plan.updates[start : start + WRITE_CHUNK]:
            obj = row.existing
            # The kit's write path: a conditional UPDATE on the version this plan read.
            apply_update(session, reg, obj, row.changes, flush=False)
            updated.append(int(obj.id))
            done += 1
        session.flush()
        if progress is not None:
            progress("write", done, total)
    return created, updated
