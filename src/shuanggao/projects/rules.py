"""Domain checks of projects, called by the register before every write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.enterprises.policy import ENTERPRISE_POLICY
from shuanggao.errors import ValidationFailed
from shuanggao.pairings import repository as pairing_repo
from shuanggao.pairings.rules import check_pairing
from shuanggao.projects import repository as repo
from shuanggao.projects.models import Project, ProjectEnterprise
from shuanggao.projects.schemas import END_BEFORE_START
from shuanggao.universities.rules import check_universities
from shuanggao.zones.rules import check_zone


def as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def check_enterprises(session: Session, actor: Actor, ids: list[int] | None) -> None:
    """Linked enterprises must exist and be visible to the actor (no probing other tenants)."""
    if not ids:
        return
    visible = repo.visible_enterprise_ids(session, ids, ENTERPRISE_POLICY.read_filter(actor))
    missing = [i for i in ids if i not in visible]
    if missing:
        raise ValidationFailed(
            fields={"enterprise_ids": "企业不存在（编号：" + "、".join(map(str, missing)) + "）"}
        )


def validate_project(
    session: Session, actor: Actor, values: dict[str, Any], current: Project | None
) -> None:
    check_zone(session, values.get("zone_id"))
    university_id = values.get("university_id")
    if university_id is None:
        raise ValidationFailed(fields={"university_id": "必填项，不能为空"})
    check_universities(session, [university_id], "university_id")
    check_pairing(session, values.get("pairing_id"), values.get("zone_id"), [university_id])
    # On update the values merge the stored row (dates as ISO text) with the changes.
    start, end = as_date(values.get("start_date")), as_date(values.get("end_date"))
    if start is not None and end is not None and end < start:
        raise ValidationFailed(fields={"end_date": END_BEFORE_START})
    check_enterprises(session, actor, values.get("enterprise_ids"))


def apply_project_enterprises(session: Session, obj: Project, extra: dict[str, Any]) -> None:
    ids: list[int] | None = extra.get("enterprise_ids")
    if ids is None:
        return
    pairing_repo.sync_links(
        session, ProjectEnterprise, "project_id", obj.id, ids, member_attr="enterprise_id"
    )
    session.expire(obj, ["participants"])
