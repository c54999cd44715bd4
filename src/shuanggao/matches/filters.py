"""Scope filters for the index: mirrors of the tenancy policies, and the search options'
filters (cooperation mode, maturity, kinds, paired universities or zones)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from shuanggao_matching import (
    Document,
    Predicate,
)
from sqlalchemy.orm import Session

from shuanggao.accounts import consent
from shuanggao.actor import ROLE_TENANT, Actor, Role
from shuanggao.demand.policy import OPEN
from shuanggao.demand.schemas import CooperationMode, Visibility
from shuanggao.matches import repository as repo
from shuanggao.supply import repository as supply_repo
from shuanggao.supply.schemas import SupplyKind, TransferMode
from shuanggao.zones.models import Zone

# Which supply fits a cooperation mode: by transfer mode, or by kind of item.
_MODE_FIT: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    CooperationMode.DEVELOPMENT.value: (
        frozenset({TransferMode.CO_DEVELOPMENT.value, TransferMode.SERVICE.value}),
        frozenset({SupplyKind.EXPERT.value}),
    ),
    CooperationMode.TRANSFER.value: (
        frozenset({TransferMode.TRANSFER.value, TransferMode.EQUITY.value}),
        frozenset(),
    ),
    CooperationMode.LICENSE.value: (frozenset({TransferMode.LICENSE.value}), frozenset()),
    CooperationMode.CONSULTING.value: (
        frozenset({TransferMode.SERVICE.value}),
        frozenset({SupplyKind.EXPERT.value}),
    ),
    CooperationMode.PLATFORM.value: (
        frozenset({TransferMode.CO_DEVELOPMENT.value}),
        frozenset({SupplyKind.PLATFORM.value, SupplyKind.DATA.value}),
    ),
    CooperationMode.TALENT.value: (frozenset(), frozenset({SupplyKind.EXPERT.value})),
}


# ---------------------------------------------------------------------------------------------
# Scope filters for the index (mirrors of the tenancy policies)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScopedPredicate(Predicate):
    """A predicate whose cache key is its name and the values it closes over.

    The library caches filter masks by ``Predicate.key()``, which names the function by its
    ``id``: ids of collected closures are reused, so two actors' different scopes could share a
    cached mask. Here the key is what the function depends on, so equal keys mean equal masks.
    """

    scope: tuple[Any, ...] = ()

    def key(self) -> tuple[str, str, str]:
        return ("scoped", self.name, repr(self.scope))


def university_of(actor: Actor) -> int | None:
    if ROLE_TENANT[actor.role] == "university":
        return actor.university_id
    return None


def supply_visibility(actor: Actor) -> Predicate | None:
    """The index-side form of ``SupplyPolicy.read_filter``."""
    if actor.sees_everything:
        return None
    uid = university_of(actor)
    name = "可见范围：公开条目" + ("及本校条目" if uid is not None else "")

    def visible(doc: Document) -> bool:
        meta = doc.metadata
        return meta.get("is_public") is True or (
            uid is not None and meta.get("university_id") == uid
        )

    return ScopedPredicate(name, visible, (uid,))


def opt_out_predicate(session: Session) -> Predicate | None:
    """Leave out the items of people who opted out of machine matching (PIPL 24; checklist
    PI-04): read on every search, so a withdrawal counts from the next request."""
    people = consent.opted_out_user_ids(session)
    return opted_out_filter(supply_repo.ids_owned_by(session, people))


def opted_out_filter(item_ids: Collection[int]) -> Predicate | None:
    """``opt_out_predicate`` of the opted-out people's items already read (a search reads them
    with the change stamp: ``matches.repository.supply_stamp_and_opted_out``)."""
    ids = frozenset(str(i) for i in item_ids)
    if not ids:
        return None

    def suggested(doc: Document) -> bool:
        return doc.id not in ids

    return ScopedPredicate("不含已撤回机器推荐的人员条目", suggested, (tuple(sorted(ids)),))


def demand_visibility(session: Session, actor: Actor) -> Predicate | None:
    """The index-side form of ``DemandPolicy.read_filter``."""
    if actor.sees_everything:
        return None
    zone = actor.zone_id if actor.role is Role.ZONE_ADMIN else None
    enterprise = actor.enterprise_id if actor.role is Role.ENTERPRISE_USER else None
    uid = university_of(actor)
    paired = frozenset(repo.paired_zone_ids(session, uid)) if uid is not None else frozenset()

    def visible(doc: Document) -> bool:
        meta = doc.metadata
        vis = meta.get("visibility")
        if vis in OPEN:
            return True
        if zone is not None and meta.get("zone_id") == zone:
            return True
        if enterprise is not None and meta.get("enterprise_id") == enterprise:
            return True
        return vis == Visibility.PAIRED.value and meta.get("zone_id") in paired

    scope = (zone, enterprise, uid, tuple(sorted(paired)))
    return ScopedPredicate("可见范围：您有权查看的需求", visible, scope)


def mode_predicate(mode: str) -> Predicate:
    modes, kinds = _MODE_FIT.get(mode, (frozenset(), frozenset()))
    label = CooperationMode(mode).label

    def fits(doc: Document) -> bool:
        offered = doc.metadata.get("transfer_modes") or []
        if doc.kind in kinds:
            return True
        if isinstance(offered, list) and modes.intersection(str(m) for m in offered):
            return True
        # An item that states no transfer mode is not excluded for it.
        return not offered and doc.kind == SupplyKind.ACHIEVEMENT.value and bool(modes)

    return ScopedPredicate(f"合作方式：与“{label}”相符", fits, (mode,))


def maturity_predicate(level: int) -> Predicate:
    def mature(doc: Document) -> bool:
        if doc.kind != SupplyKind.ACHIEVEMENT.value:
            return True
        value = doc.metadata.get("maturity_level")
        return isinstance(value, int) and value >= level

    return ScopedPredicate(f"成熟度：科技成果不低于 TRL{level}", mature, (level,))


def kinds_predicate(kinds: Sequence[str]) -> Predicate:
    wanted = frozenset(kinds)
    names = "、".join(SupplyKind(k).label for k in kinds)
    return ScopedPredicate(f"类型：{names}", lambda doc: doc.kind in wanted, tuple(sorted(wanted)))


def universities_predicate(universities: Sequence[Any]) -> Predicate:
    ids = frozenset(u.id for u in universities)
    names = "、".join(u.name for u in universities) or "（无结对高校）"
    return ScopedPredicate(
        f"结对高校：{names}",
        lambda doc: doc.metadata.get("university_id") in ids,
        tuple(sorted(ids)),
    )


def zones_predicate(session: Session, zone_ids: Sequence[int]) -> Predicate:
    ids = frozenset(zone_ids)
    names = "、".join(z.name for z in (session.get(Zone, i) for i in sorted(ids)) if z) or "（无）"
    return ScopedPredicate(
        f"结对高新区：{names}", lambda doc: doc.metadata.get("zone_id") in ids, tuple(sorted(ids))
    )
