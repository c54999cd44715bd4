"""Storing a search's recommendations: one read of what is stored, one INSERT of the new pairs,
one conditional UPDATE of the pairs whose score, rank, method or reasons moved; nothing else.

No ORM objects are built on this path (an API call never shows a recommendation's feedback);
a page that does loads them afterwards with ``attach_matches``. People's feedback (``state``,
``judgements``) is never touched here. An UPDATE is conditional on the version read, as the
ORM's ``version_id_col`` makes every other write of a match: a row changed in between raises
``StaleDataError`` (answered 409 ``conflict``), so a judgement is never overwritten.

Recording is where a search's unit of work starts writing: it takes the writer then
(``db.session.take_writer``), after the index sync and the scoring, so on SQLite no writer is
held while a search computes, and the insert queues for its turn instead of answering 503.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from shuanggao.actor import Actor, Role
from shuanggao.db.session import take_writer
from shuanggao.demand.models import Demand
from shuanggao.matches import repository as repo
from shuanggao.matches.results import Hit, ShownItem
from shuanggao.matches.schemas import MatchState


def record_pairs(
    session: Session, actor: Actor, pairs: Sequence[tuple[Demand, ShownItem, Hit]]
) -> None:
    """Store (or refresh) the recommendations; people's feedback states are kept. Each hit
    learns its pair (``Hit.pair``); ``Hit.match`` is left for ``attach_matches``."""
    if actor.role is Role.AUDITOR or not pairs:
        return
    take_writer(session)
    stored = repo.stored_pairs(session, [(d.id, s.id) for d, s, _ in pairs])
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for demand, item, hit in pairs:
        hit.pair = (demand, item)
        values = {
            "score": hit.score,
            "rank": hit.rank,
            "method": hit.reasons.get("method", ""),
            "reasons": hit.reasons,
        }
        row = stored.get((demand.id, item.id))
        if row is None:
            new.append(
                {
                    "demand_id": demand.id,
                    "supply_item_id": item.id,
                    "state": MatchState.RECOMMENDED.value,
                    **values,
                }
            )
        elif any(row[k] != v for k, v in values.items()):
            changed.append({"id": row["id"], "version": row["version"], **values})
    if new:
        repo.insert_matches(session, new)
    if changed and repo.update_matches(session, changed) != len(changed):
        raise StaleDataError("a stored match changed while its recommendation was refreshed")


def attach_matches(session: Session, hits: Sequence[Hit]) -> None:
    """Load the stored match (with both sides' judgements) of every recorded hit into
    ``Hit.match``: what a page shows and what ``mark_viewed`` changes."""
    recorded = [h for h in hits if h.pair is not None]
    if not recorded:
        return
    keys = [(h.pair[0].id, h.pair[1].id) for h in recorded if h.pair is not None]
    found = repo.find_pairs(session, keys, fresh=True)
    for hit, key in zip(recorded, keys, strict=True):
        hit.match = found.get(key)
