"""Rules of residents (驻园师生): called by the register's ``validate`` before every create and
update."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.errors import ValidationFailed
from shuanggao.kit.checks import normalize
from shuanggao.pairings.rules import check_place
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
