"""Checks every register's rules may use, whatever its domain (one home for shared checks).

Checks about a domain's data live in that domain's ``rules.py`` and are imported from there by
the domains above it: ``zones.rules.check_zone``, ``universities.rules.check_universities``,
``pairings.rules.check_place``. A register's own rules live in ``<domain>/rules.py`` and are
called by ``Register.validate`` before every create and update (AGENTS.md, rule 13).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from shuanggao.errors import ValidationFailed
from shuanggao.kit.validation import field_errors


def normalize(schema: type[BaseModel], values: dict[str, Any]) -> None:
    """Type the merged values of an update in place (dates, enums, Decimal) through ``schema``.

    The generic update merges the stored row's JSON snapshot (dates as text) with the changes;
    the domain checks and the natural-key look-up that follows need real values. Refuses with the
    fields pydantic names.
    """
    try:
        typed = schema.model_validate(values)
    except ValidationError as exc:
        raise ValidationFailed(fields=field_errors(exc)) from exc
    values.update(typed.model_dump())
