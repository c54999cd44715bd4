"""Rules of residents (驻园师生): called by the register's ``validate`` before every create and
update."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.errors import ValidationFailed
from shuanggao.kit.checks import normalize
from shuanggao.pairings.rules import check_place
from shuanggao.talent import repository
from shuanggao.talent.schemas import (
    DATE_ORDER_MESSAGE,
    ResidentCreate,
)


def validate_resident(session: Session, actor: Actor, values: dict[str, Any], current: Any) -> None:
    normalize(ResidentCreate, values)
    start, end = values.get("from_date"), values.get("to_date")
    if start is not None and end is not None and end < start:
        raise ValidationFailed(fields={"to_date": DATE_ORDER_MESSAGE})
    check_place(session, values)
    fields: dict[str, str] = {}
    for field, named, label in (
        ("enterprise_id", repository.ENTERPRISE, "企业"),
        ("platform_id", repository.PLATFORM, "平台"),
    ):
        row_id = values.get(field)
        if row_id is None:
            continue
        zone_id = repository.zone_of(session, named, int(row_id))
        if zone_id is None:
            fields[field] = f"{label}不存在"
        elif zone_id != values.get("zone_id"):
            fields[field] = f"该{label}不在驻在高新区内"
    if fields:
        raise ValidationFailed(fields=fields)
