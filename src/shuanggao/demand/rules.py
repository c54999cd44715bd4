"""Rules of demands: called by the register's ``validate`` before every create and
update."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.demand.models import Demand
from shuanggao.enterprises.models import Enterprise
from shuanggao.errors import Forbidden, ValidationFailed
from shuanggao.zones.models import Zone


def validate_demand(
    session: Session, actor: Actor, values: dict[str, Any], current: Demand | None
) -> None:
    fields: dict[str, str] = {}
    enterprise = session.get(Enterprise, values.get("enterprise_id"))
    if enterprise is None:
        fields["enterprise_id"] = "企业不存在，请先在企业名录中登记"
    else:
        if values.get("zone_id") is None:
            values["zone_id"] = enterprise.zone_id
        elif values["zone_id"] != enterprise.zone_id:
            if session.get(Zone, values["zone_id"]) is None:
                fields["zone_id"] = "高新区不存在"
            else:
                fields["enterprise_id"] = "该企业不在所填高新区内"
    low, high = values.get("budget_min"), values.get("budget_max")
    if low is not None and high is not None and low > high:
        fields["budget_max"] = "预算上限不能低于预算下限"
    if fields:
        raise ValidationFailed(fields=fields)
    if actor.role is Role.ZONE_ADMIN and values.get("zone_id") != actor.zone_id:
        raise Forbidden("您只能为本高新区的企业登记需求。")
