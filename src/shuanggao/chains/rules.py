"""Rules of chains and nodes: called by the registers' ``validate`` before every create and
update."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.chains import repository as repo
from shuanggao.chains.models import ChainNode, ChainNodeEnterprise, IndustryChain
from shuanggao.chains.policy import CHAIN_POLICY
from shuanggao.errors import Forbidden, ValidationFailed
from shuanggao.pairings import repository as pairing_repo
from shuanggao.zones.rules import check_zone


def validate_chain(
    session: Session, actor: Actor, values: dict[str, Any], current: IndustryChain | None
) -> None:
    check_zone(session, values.get("zone_id"))
    if current is not None and values.get("zone_id") != current.zone_id:
        raise ValidationFailed(fields={"zone_id": "产业链不能移到其他高新区，请在该高新区新建"})


def validate_node(
    session: Session, actor: Actor, values: dict[str, Any], current: ChainNode | None
) -> None:
    """The chain exists and the actor may write it; the node takes the chain's zone; every
    enterprise placed on it is in that zone."""
    zone_id = repo.chain_zone(session, values.get("chain_id") or 0)
    if zone_id is None:
        raise ValidationFailed(fields={"chain_id": "产业链不存在"})
    if not CHAIN_POLICY.can_create(actor, {"zone_id": zone_id}):
        raise Forbidden("您只能编辑本高新区的产业链。")
    if current is not None and zone_id != current.zone_id:
        raise ValidationFailed(fields={"chain_id": "环节不能移到其他高新区的产业链"})
    values["zone_id"] = zone_id
    ids = values.get("enterprise_ids")
    if ids is None and current is not None:
        ids = current.enterprise_ids if current.chain_id != values["chain_id"] else None
    if ids:
        zones = repo.enterprise_zones(session, ids)
        wrong = [i for i in ids if zones.get(i) != zone_id]
        if wrong:
            raise ValidationFailed(
                fields={
                    "enterprise_ids": f"第 {ids.index(wrong[0]) + 1} 家企业不在该产业链所属高新区"
                }
            )


def apply_node_enterprises(session: Session, obj: ChainNode, extra: dict[str, Any]) -> None:
    ids: list[int] | None = extra.get("enterprise_ids")
    if ids is None:
        return
    pairing_repo.sync_links(
        session, ChainNodeEnterprise, "node_id", obj.id, ids, member_attr="enterprise_id"
    )
    session.expire(obj, ["members"])
