"""Who reads and writes supply items.

Everyone signed in reads public items; a university's own users also read its non-public ones;
the province and auditors read all. The university administration writes its university's
items; a researcher writes only the items they own (``owner_user_id``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, or_, true

from shuanggao.actor import ROLE_TENANT, Actor, Role
from shuanggao.kit.policy import Policy
from shuanggao.supply.models import SupplyItem


class SupplyPolicy(Policy):
    def read_filter(self, actor: Actor) -> ColumnElement[bool] | None:
        if actor.sees_everything:
            return None
        public = SupplyItem.is_public == true()
        if ROLE_TENANT[actor.role] == "university" and actor.university_id is not None:
            return or_(public, SupplyItem.university_id == actor.university_id)
        return public

    def can_read(self, actor: Actor, item: SupplyItem) -> bool:
        """The row-level form of ``read_filter`` (for objects already loaded)."""
        if actor.sees_everything or item.is_public:
            return True
        return (
            ROLE_TENANT[actor.role] == "university"
            and actor.university_id is not None
            and item.university_id == actor.university_id
        )

    def _owns(self, actor: Actor, university_id: Any, owner_user_id: Any) -> bool:
        if actor.is_province:
            return True
        if actor.university_id is None or university_id != actor.university_id:
            return False
        if actor.role is Role.UNIVERSITY_ADMIN:
            return True
        if actor.role is Role.RESEARCHER:
            return actor.user_id is not None and owner_user_id == actor.user_id
        return False

    def can_create(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        owner = values.get("owner_user_id")
        if actor.role is Role.RESEARCHER and owner is None:
            # A researcher's new item is their own (the service fills the owner in).
            owner = actor.user_id
        return self._owns(actor, values.get("university_id"), owner)

    def can_modify(self, actor: Actor, obj: Any) -> bool:
        return self._owns(actor, obj.university_id, obj.owner_user_id)

    def can_keep(self, actor: Actor, values: Mapping[str, Any]) -> bool:
        return self._owns(actor, values.get("university_id"), values.get("owner_user_id"))
