"""Domain checks of pairings and 五个一 items, called by the registers before every write."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.errors import Forbidden, ValidationFailed
from shuanggao.kit.policy import Policy
from shuanggao.pairings import repository as repo
from shuanggao.pairings.models import Pairing, PairingUniversity, PilotElement
from shuanggao.pairings.policy import PAIRING_POLICY, may_maintain_pairing_items


def check_keep(policy: Policy, actor: Actor, values: dict[str, Any], current: Any) -> None:
    """Refuse moving a row out of the actor's tenancy before any other check runs, so the
    natural-key check cannot tell a tenant what exists in another tenant's scope."""
    if current is not None and not policy.can_keep(actor, values):
        raise Forbidden()


def check_zone(session: Session, zone_id: Any, field: str = "zone_id") -> None:
    if zone_id is None or not repo.zone_exists(session, zone_id):
        raise ValidationFailed(fields={field: "高新区不存在"})


def check_universities(session: Session, ids: list[int] | None, field: str) -> None:
    if ids is None:
        return
    missing = repo.missing_university_ids(session, ids)
    if missing:
        raise ValidationFailed(
            fields={field: "高校不存在（编号：" + "、".join(str(i) for i in missing) + "）"}
        )


def validate_pairing(
    session: Session, actor: Actor, values: dict[str, Any], current: Pairing | None
) -> None:
    check_keep(PAIRING_POLICY, actor, values, current)
    check_zone(session, values.get("zone_id"))
    check_universities(session, values.get("university_ids"), "university_ids")
    lead = values.get("lead_university_id")
    if current is None and lead is not None and lead not in values.get("university_ids", []):
        raise ValidationFailed(fields={"lead_university_id": "牵头高校必须是结对高校之一"})


def apply_pairing_members(session: Session, obj: Pairing, extra: dict[str, Any]) -> None:
    """Set the member universities and the lead.

    The lead is ``lead_university_id`` when given; otherwise the current lead if it stays a
    member; otherwise the first listed university. ``lead_unknown`` marks no lead (a source that
    does not say which university leads); a pairing without a lead keeps none until one is named.
    """
    ids: list[int] | None = extra.get("university_ids")
    lead: int | None = extra.get("lead_university_id")
    unknown: bool | None = extra.get("lead_unknown")
    if ids is None and lead is None and unknown is None:
        return
    current = [(link.university_id, link.is_lead) for link in repo.pairing_links(session, obj.id)]
    if ids is None:
        ids = [uid for uid, _ in current]
    if lead is not None and lead not in ids:
        raise ValidationFailed(fields={"lead_university_id": "牵头高校必须是结对高校之一"})
    old_lead = next((uid for uid, is_lead in current if is_lead), None)
    if unknown:
        lead = None
    elif lead is None:
        if old_lead in ids:
            lead = old_lead
        elif unknown is None and current and old_lead is None:
            lead = None  # the lead was unknown and still is
        else:
            lead = ids[0] if ids else None
    # The lead is listed first, so an export lists it first and re-imports the same way.
    ordered = [lead, *[uid for uid in ids if uid != lead]] if lead is not None else ids
    repo.sync_links(session, PairingUniversity, "pairing_id", obj.id, ordered, lead_id=lead)
    session.expire(obj, ["members"])


def validate_element(
    session: Session, actor: Actor, values: dict[str, Any], current: PilotElement | None
) -> None:
    pairing_id = values.get("pairing_id")
    pairing = repo.get_pairing(session, pairing_id) if pairing_id is not None else None
    visible = pairing is not None and repo.pairing_in_scope(
        session, pairing.id, PAIRING_POLICY.read_filter(actor)
    )
    if pairing is None or not visible:
        raise ValidationFailed(fields={"pairing_id": "结对不存在"})
    if not may_maintain_pairing_items(actor, pairing):
        raise ValidationFailed(fields={"pairing_id": "您无权维护该结对的“五个一”事项"})
