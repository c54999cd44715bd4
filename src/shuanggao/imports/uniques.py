"""The table's other unique constraints, checked for a whole import plan in bulk."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, UniqueConstraint

from shuanggao.imports.plans import Plan, PlanContext, PlannedRow, RowCode, RowError
from shuanggao.imports.repository import Key, ids_by_key, key_of
from shuanggao.kit.register import Register


def unique_attr_sets(reg: Register[Any]) -> list[tuple[str, ...]]:
    """The table's unique constraints (and unique indexes) as attribute names, key excluded."""
    model: Any = reg.model
    table = model.__table__
    mapper = model.__mapper__
    found: list[tuple[str, ...]] = []
    column_sets: list[list[Any]] = []
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            column_sets.append(list(constraint.columns))
    for index in table.indexes:
        if isinstance(index, Index) and index.unique:
            column_sets.append(list(index.columns))
    for cols in column_sets:
        try:
            attrs = tuple(mapper.get_property_by_column(c).key for c in cols)
        except Exception:  # noqa: S112 - a column not mapped to an attribute: not ours to check
            continue
        if attrs and tuple(attrs) != tuple(reg.natural_key) and attrs not in found:
            found.append(attrs)
    return found


def unique_conflicts(ctx: PlanContext, plan: Plan) -> list[RowError]:
    """Values other unique constraints forbid: twice in the file, or held by another row."""
    errors: list[RowError] = []
    rows = [*plan.creates, *plan.updates]
    if not rows:
        return errors
    for attrs in unique_attr_sets(ctx.reg):
        column = next((ctx.header_of[a] for a in attrs if a in ctx.header_of), None)
        if column is None:
            continue
        final: list[tuple[PlannedRow, Key]] = []
        final_by_id: dict[int, Key] = {}
        for row in rows:
            if row.existing is not None:
                merged = {a: row.changes.get(a, getattr(row.existing, a)) for a in attrs}
                key = key_of(merged, attrs)
                final_by_id[int(row.existing.id)] = key
            else:
                key = key_of(row.values, attrs)
            if any(v is None for v in key):
                continue
            final.append((row, key))
        first_row: dict[Key, int] = {}
        for row, key in final:
            if key in first_row:
                errors.append(
                    RowError(
                        row.number,
                        column,
                        RowCode.DUPLICATE_IN_FILE,
                        f"与第 {first_row[key]} 行的{column}重复",
                    )
                )
            else:
                first_row[key] = row.number
        holders = ids_by_key(ctx.session, ctx.reg.model, attrs, [k for _, k in final])
        for row, key in final:
            holder = holders.get(key)
            if holder is None:
                continue
            own = int(row.existing.id) if row.existing is not None else None
            if holder == own:
                continue
            if holder in final_by_id and final_by_id[holder] != key:
                continue  # that row gives the value up in this same file
            text = "、".join(str(v) for v in key)
            errors.append(
                RowError(
                    row.number,
                    column,
                    RowCode.DUPLICATE,
                    f"已存在{column}为“{text}”的其他{ctx.reg.label}",
                )
            )
    return errors
