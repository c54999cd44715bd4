"""Who may read and write periodic reports.

- The province and auditors read everything; the province writes, approves and returns reports.
- A zone administrator reads and drafts its zone's reports (zone- or pairing-level) and submits
  them; an approved programme-wide report is published figures, readable by every signed-in user.
- A university administrator reads the reports of its pairings and drafts and submits the
  pairing-level reports of those pairings (``rules.validate_report`` checks the membership when a
  report is created).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from shuanggao.actor import Actor, Role
from shuanggao.kit.policy import Policy
from shuanggao.pairings.models import PairingUniversity
from shuanggao.reports.models import PeriodicReport


def published() -> ColumnElement[bool]:
    return and_(PeriodicReport.scope == "programme", PeriodicReport.status == "approved")


class ReportPolicy(Policy):
    def read_filter(self, actor: Actor) -> ColumnElement[bool] | None:
        if actor.sees_everything:
            return None
        if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
            return or_(PeriodicReport.zone_id == actor.zone_id, published())
        if actor.role is Role.UNIVERSITY_ADMIN and actor.university_id is not None:
            mine = select(PairingUniversity.pairing_id).where(
                PairingUniversity.university_id == actor.university_id
            )
            return or_(PeriodicReport.pairing_id.in_(mine), published())
        return published()

    def _zone_writes(self, actor: Actor, scope: Any, zone_id: Any) -> bool:
        return (
            actor.role is Role.ZONE_ADMIN
            and actor.zone_id is not None
            and zone_id == actor.zone_id
            and scope in ("zone", "pairing")
        )

    def _university_writes(self, actor: Actor, scope: Any, obj: Any = None) -> bool:
        """A university administrator on a pairing report (of a pairing it is a member of, when
        the report is known; ``rules.validate_report`` checks it for new values)."""
        if actor.role is not Role.UNIVERSITY_ADMIN or actor.university_id is None:
            return False
        if scope != "pairing":
            return False
        if obj is None:
            return True
        pairing = obj.pairing
        return pairing is not None and any(
            m.university_id == actor.university_id for m in pairing.members
        )

    def can_create(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        # Without a scope (the 新增 button asks with the actor's tenant only) a zone report.
        scope = values.get("scope") or "zone"
        return (
            actor.is_province
            or self._zone_writes(actor, scope, values.get("zone_id"))
            or self._university_writes(actor, scope)
        )

    def can_modify(self, actor: Actor, obj: Any) -> bool:
        return (
            actor.is_province
            or self._zone_writes(actor, obj.scope, obj.zone_id)
            or self._university_writes(actor, obj.scope, obj)
        )

    def can_delete(self, actor: Actor, obj: Any) -> bool:
        if actor.is_province:
            return True
        mine = self._zone_writes(actor, obj.scope, obj.zone_id) or self._university_writes(
            actor, obj.scope, obj
        )
        return mine and obj.status == "draft"

    def can_keep(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        return (
            actor.is_province
            or self._zone_writes(actor, values.get("scope"), values.get("zone_id"))
            or self._university_writes(actor, values.get("scope"))
        )

    def can_submit(self, actor: Actor, obj: Any) -> bool:
        return self.can_modify(actor, obj)

    def can_approve(self, actor: Actor, obj: Any) -> bool:
        return actor.is_province
