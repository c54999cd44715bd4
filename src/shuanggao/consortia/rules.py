"""Domain checks of consortia, called by the register before every write."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.consortia import repository as repo
from shuanggao.consortia.models import (
    Consortium,
    ConsortiumEnterprise,
    ConsortiumProject,
    ConsortiumUniversity,
)
from shuanggao.errors import ValidationFailed
from shuanggao.pairings import repository as pairing_repo
from shuanggao.projects.rules import check_enterprises
from shuanggao.universities.rules import check_universities
from shuanggao.zones.rules import check_zone


def validate_consortium(
    session: Session, actor: Actor, values: dict[str, Any], current: Consortium | None
) -> None:
    check_zone(session, values.get("zone_id"))
    lead = values.get("lead_enterprise_id")
    if lead is None:
        raise ValidationFailed(fields={"lead_enterprise_id": "必填项，不能为空"})
    try:
        check_enterprises(session, actor, [lead])
    except ValidationFailed:
        raise ValidationFailed(
            fields={"lead_enterprise_id": f"企业不存在（编号：{lead}）"}
        ) from None
    check_enterprises(session, actor, values.get("enterprise_ids"))
    check_universities(session, values.get("university_ids") or [], "university_ids")
    foreign = repo.project_ids_not_in_zone(
        session, list(values.get("project_ids") or []), values.get("zone_id")
    )
    if foreign:
        raise ValidationFailed(
            fields={
                "project_ids": "项目不存在或不属于该高新区（编号："
                + "、".join(map(str, foreign))
                + "）"
            }
        )


def apply_consortium_members(session: Session, obj: Consortium, extra: dict[str, Any]) -> None:
    links = (
        ("enterprise_ids", ConsortiumEnterprise, "enterprise_id", "member_enterprises"),
        ("university_ids", ConsortiumUniversity, "university_id", "member_universities"),
        ("project_ids", ConsortiumProject, "project_id", "member_projects"),
    )
    for key, model, attr, relation in links:
        ids: list[int] | None = extra.get(key)
        if ids is None:
            continue
        pairing_repo.sync_links(session, model, "consortium_id", obj.id, ids, member_attr=attr)
        session.expire(obj, [relation])
