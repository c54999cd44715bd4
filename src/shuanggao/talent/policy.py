"""Who reads and writes residents (驻园师生).

Zones and universities keep their residents. Personal data is scoped: a student reads only their
own records and the people of their own practice projects (their mentors), never the names of
everyone resident from their university. Counts stay public within the tenant
(``count_filter``): how many are resident is not personal, who they are is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false

from shuanggao.actor import Actor, Role
from shuanggao.kit.policy import TenantScoped
from shuanggao.talent import repository


@dataclass
class ResidentPolicy(TenantScoped):
    def read_filter(self, actor: Actor) -> ColumnElement[bool] | None:
        if actor.role is Role.STUDENT:
            if actor.user_id is None:
                return false()
            return repository.own_or_project_people(actor.user_id)
        return super().read_filter(actor)

    def count_filter(self, actor: Actor) -> ColumnElement[bool] | None:
        """The tenant's rows, for counting (students count their university's residents)."""
        return super().read_filter(actor)
