"""Rules of supply items: called by the register's ``validate`` before every create and
update."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.errors import ValidationFailed
from shuanggao.supply.models import SupplyItem
from shuanggao.supply.schemas import (
    SupplyKind,
)
from shuanggao.universities.models import University


def validate_supply_item(
    session: Session, actor: Actor, values: dict[str, Any], current: SupplyItem | None
) -> None:
    fields: dict[str, str] = {}
    if session.get(University, values.get("university_id")) is None:
        fields["university_id"] = "所属高校不存在"
    low, high = values.get("price_min"), values.get("price_max")
    if low is not None and high is not None and low > high:
        fields["price_max"] = "价格上限不能低于价格下限"
    if values.get("kind") == SupplyKind.EXPERT and not (values.get("owner_name") or "").strip():
        fields["owner_name"] = "专家团队须填写负责人姓名"
    if fields:
        raise ValidationFailed(fields=fields)
    if current is None and actor.role is Role.RESEARCHER:
        values["owner_user_id"] = actor.user_id
