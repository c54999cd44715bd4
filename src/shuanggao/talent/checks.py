"""Domain checks shared by the registers that tie a record to a zone, a university and a pairing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from shuanggao.errors import ValidationFailed
from shuanggao.kit.validation import field_errors
from shuanggao.talent import repository


def check_place(
    session: Session,
    values: Mapping[str, Any],
    *,
    university_field: str | None = "university_id",
    university_required: bool = True,
) -> None:
    """The zone, university and pairing named exist and agree with each other.

    A pairing must belong to the record's zone, and the record's university must be one of the
    pairing's universities. Refuses with the fields that are wrong.
    """
    fields: dict[str, str] = {}
    zone_id = values.get("zone_id")
    university_id = values.get(university_field) if university_field else None
    if zone_id is not None and not repository.zone_exists(session, zone_id):
        fields["zone_id"] = "高新区不存在"
    if university_field:
        if university_id is None and university_required:
            fields[university_field] = "必填项，不能为空"
        elif university_id is not None and not repository.university_exists(session, university_id):
            fields[university_field] = "高校不存在"
    pairing_id = values.get("pairing_id")
    if pairing_id is not None:
        found = repository.pairing_membership(session, pairing_id)
        if found is None:
            fields["pairing_id"] = "结对不存在"
        else:
            pairing_zone, members = found
            if zone_id is not None and pairing_zone != zone_id:
                fields["pairing_id"] = "该结对不属于所填高新区"
            elif university_field and university_id is not None and university_id not in members:
                fields["pairing_id"] = "所填高校不是该结对的成员高校"
    if fields:
        raise ValidationFailed(fields=fields)


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
