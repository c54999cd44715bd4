"""Domain checks of enterprises and enterprise services, called by the registers before writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.enterprises import repository as repo
from shuanggao.enterprises.models import Enterprise, EnterpriseService
from shuanggao.enterprises.policy import ENTERPRISE_POLICY
from shuanggao.errors import Forbidden, ValidationFailed
from shuanggao.universities.rules import check_universities
from shuanggao.zones.rules import check_zone

# What an enterprise user may not change on its own profile: the zone registers these.
_ZONE_KEPT = {"credit_code": "统一社会信用代码", "zone_id": "所属高新区"}


def validate_enterprise(
    session: Session, actor: Actor, values: dict[str, Any], current: Enterprise | None
) -> None:
    check_zone(session, values.get("zone_id"))
    if current is not None and actor.role is Role.ENTERPRISE_USER:
        changed = {
            k: f"{label}由高新区管理员维护，企业用户不能修改"
            for k, label in _ZONE_KEPT.items()
            if values.get(k) != getattr(current, k)
        }
        if changed:
            raise Forbidden("企业用户不能修改统一社会信用代码或所属高新区。", fields=changed)


def validate_service(
    session: Session, actor: Actor, values: dict[str, Any], current: EnterpriseService | None
) -> None:
    enterprise = repo.enterprise_in_scope(
        session, values.get("enterprise_id"), ENTERPRISE_POLICY.read_filter(actor)
    )
    if enterprise is None:
        raise ValidationFailed(fields={"enterprise_id": "企业不存在"})
    check_zone(session, values.get("zone_id"))
    university_id = values.get("university_id")
    if university_id is None:
        raise ValidationFailed(fields={"university_id": "必填项，不能为空"})
    check_universities(session, [university_id], "university_id")
    # The record's zone is the enterprise's zone when it is recorded (kept if it moves later).
    moved = current is None or (
        values.get("enterprise_id") != current.enterprise_id
        or values.get("zone_id") != current.zone_id
    )
    if moved and enterprise.zone_id != values.get("zone_id"):
        raise ValidationFailed(fields={"zone_id": "该企业不属于所填高新区"})
    pairing_id = values.get("pairing_id")
    if pairing_id is not None:
        pairing = repo.get_pairing(session, pairing_id)
        if pairing is None:
            raise ValidationFailed(fields={"pairing_id": "结对不存在"})
        if pairing.zone_id != values.get("zone_id"):
            raise ValidationFailed(fields={"pairing_id": "该结对不属于所填高新区"})
        if university_id not in [m.university_id for m in pairing.members]:
            raise ValidationFailed(fields={"pairing_id": "服务高校不在该结对中"})
