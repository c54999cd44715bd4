"""Tenancy of fund investments: they belong to their fund's zone (and its pairing's
universities)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, false

from shuanggao.actor import Actor, Role
from shuanggao.funds import repository
from shuanggao.funds.models import FundInvestment
from shuanggao.kit.policy import Policy


class FundInvestmentPolicy(Policy):
    """Province and auditors read all; a zone reads and writes its funds' investments; a
    university reads the investments of the funds of its pairings.

    ``can_create`` only checks the role: which fund a new investment may go to is checked by the
    register's ``validate`` (the fund must be one the actor may write), which can see the database.
    """

    def read_filter(self, actor: Actor) -> ColumnElement[bool] | None:
        if actor.sees_everything:
            return None
        if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
            return FundInvestment.fund_id.in_(repository.funds_of_zone(actor.zone_id))
        if actor.role is Role.UNIVERSITY_ADMIN and actor.university_id is not None:
            return FundInvestment.fund_id.in_(repository.funds_of_university(actor.university_id))
        return false()

    def can_create(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        return actor.is_province or (actor.role is Role.ZONE_ADMIN and actor.zone_id is not None)

    def can_modify(self, actor: Actor, obj: Any) -> bool:
        if actor.is_province:
            return True
        return (
            actor.role is Role.ZONE_ADMIN
            and actor.zone_id is not None
            and obj.fund.zone_id == actor.zone_id
        )
