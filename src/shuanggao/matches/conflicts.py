"""Conflicts of interest in match results: a supply item's researcher and a demand's enterprise.

Every hit whose pair conflicts (``conflicts.rules.conflicting_pairs``) is flagged, for every
reader: nobody should take such a match forward without knowing. The reason names a declared
tie (personal data), so only the researcher, their university's administrators, the province
and auditors read it; others see the flag with ``CONFLICT_HIDDEN``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.conflicts.policy import sees_reason
from shuanggao.conflicts.rules import conflicting_pairs
from shuanggao.demand.models import Demand
from shuanggao.matches.results import Hit, ShownItem

CONFLICT_HIDDEN = "存在利益冲突（详情仅申报人、所在高校管理员和省级管理员可见）"


def flag_pairs(
    session: Session, actor: Actor, pairs: Sequence[tuple[Hit, Demand, ShownItem]]
) -> None:
    """Set ``conflict``/``conflict_reason`` on the hits whose (item owner, enterprise) conflict."""
    keys = [(item.owner_user_id, demand.enterprise_id) for _, demand, item in pairs]
    found = conflicting_pairs(session, keys)
    if not found:
        return
    for (hit, _demand, item), key in zip(pairs, keys, strict=True):
        reason = found.get(key)
        if reason is None:
            continue
        hit.conflict = True
        shown = sees_reason(actor, item.owner_user_id, item.university_id)
        hit.conflict_reason = reason if shown else CONFLICT_HIDDEN
