"""Warnings of an import plan: rows written despite a warning (a possible duplicate need)."""

from __future__ import annotations

from typing import Any

from shuanggao.imports.plans import Plan, PlanContext, RowError
from shuanggao.kit.service import snapshot


def row_warnings(ctx: PlanContext, plan: Plan) -> list[RowError]:
    """The register's warnings for each row the plan will write (``Register.warn``: the row
    against what is stored) and between the rows of the file (``Register.warn_rows``)."""
    if not ctx.reg.warn and not ctx.reg.warn_rows:
        return []
    out: list[RowError] = []
    written: list[tuple[int, dict[str, Any]]] = []
    for rows, is_new in ((plan.creates, True), (plan.updates, False)):
        for row in rows:
            values = (
                dict(row.values) if is_new else {**snapshot(ctx.reg, row.existing), **row.changes}
            )
            written.append((row.number, values))
            current = None if is_new else row.existing
            for hook in ctx.reg.warn:
                found = hook(ctx.session, ctx.actor, values, current)
                out.extend(_warning_row(row.number, w) for w in found)
    for batch_hook in ctx.reg.warn_rows:
        out.extend(_warning_row(n, w) for n, w in batch_hook(ctx.session, ctx.actor, written))
    out.sort(key=lambda e: e.row)
    return out


def _warning_row(number: int, warning: dict[str, Any]) -> RowError:
    return RowError(number, "", str(warning.get("code", "warning")), str(warning["message"]))
