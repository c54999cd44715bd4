"""Rules of pairings and 五个一 items, called by the registers before every write; and
``check_place``, the pairing check of every record that names a zone, a university and a pairing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.errors import ValidationFailed
from shuanggao.pairings import repository as repo
from shuanggao.pairings.models import Pairing, PairingUniversity, PilotElement
from shuanggao.pairings.policy import PAIRING_POLICY, may_maintain_pairing_items
from shuanggao.universities import repository as universities
from shuanggao.universities.rules import check_universities
from shuanggao.zones import repository as zones
from shuanggao.zones.rules import check_zone


def validate_pairing(
    session: Session, actor: Actor, values: dict[str, Any], current: Pairing | None
) -> None:
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


def check_place(
    session: Session,
    values: Mapping[str, Any],
    *,
    university_field: str | None = "university_id",
    university_required: bool = True,
) -> None:
    """The zone, university and pairing named exist and agree with each other.

    A pairing must belong to the record's zone, and the record's university must be one of the
    pairing's universities. Refuses with the fields that are wrong.
    """
    fields: dict[str, str] = {}
    zone_id = values.get("zone_id")
    university_id = values.get(university_field) if university_field else None
    if zone_id is not None and not zones.zone_exists(session, zone_id):
        fields["zone_id"] = "高新区不存在"
    if university_field:
        if university_id is None and university_required:
            fields[university_field] = "必填项，不能为空"
        elif university_id is not None and not universities.university_exists(
            session, university_id
        ):
            fields[university_field] = "高校不存在"
    pairing_id = values.get("pairing_id")
    if pairing_id is not None:
        found = repo.pairing_membership(session, pairing_id)
        if found is None:
            fields["pairing_id"] = "结对不存在"
        else:
            pairing_zone, members = found
            if zone_id is not None and pairing_zone != zone_id:
                fields["pairing_id"] = "该结对不属于所填高新区"
            elif university_field and university_id is not None and university_id not in members:
                fields["pairing_id"] = "所填高校不是该结对的成员高校"
    if fields:
        raise ValidationFailed(fields=fields)


def check_pairing(
    session: Session, pairing_id: Any, zone_id: Any, university_ids: list[Any]
) -> None:
    """An optional pairing must be the zone's and include the given universities."""
    if pairing_id is None:
        return
    found = repo.pairing_membership(session, pairing_id)
    if found is None:
        raise ValidationFailed(fields={"pairing_id": "结对不存在"})
    pairing_zone, members = found
    if pairing_zone != zone_id:
        raise ValidationFailed(fields={"pairing_id": "该结对不属于所填高新区"})
    if any(uid not in members for uid in university_ids):
        raise ValidationFailed(fields={"pairing_id": "所填高校不在该结对中"})
