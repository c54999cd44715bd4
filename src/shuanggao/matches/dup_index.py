"""The duplicate check's index of stored needs: a need being saved is scored against the few
stored needs that could reach ``FLAG_AT``, not against every need its author may read.

Kept per database and process, in step with the ``demand`` table as the match index is: each
check reads the table's change stamp (one indexed query); only when it moved are the rows'
fingerprints (version, update time) compared and the changed rows' features computed again.
It holds, for every stored need, its comparison features (``duplicates.features``), a posting
list of its title terms and the term document frequencies, counted per part of the read scope
(``DemandPolicy.read_filter``: open needs; the other needs by zone, by enterprise, and the
``paired`` ones by zone) so the rarity of a term among the needs an actor may read is a few
dictionary look-ups, exactly what ``duplicates.corpus_of`` counts over the same needs.

Candidates: two needs' score is ``min(title cosine, body cosine)`` plus at most
``SAME_CODE + SAME_NODE``, so a flagged need's title cosine with the new one is at least
``FLAG_AT - SAME_CODE - SAME_NODE``. A cosine is at most ``sqrt(Σ w² over the shared
terms) / |new|``; the new title's commonest terms whose weights together stay under that bound
can never make a flag on their own, so a candidate shares one of the other (rarer) title terms,
and the same holds for the body. Candidates come from the rare title terms' postings, are kept
only if they share a rare body term, then scored exactly (``duplicates.similarity`` with the same
corpus counts): the flagged needs and their scores equal a full scan's. The read scope in SQL
stays the authority: the needs named are loaded through it (``triage.check_duplicates`` falls
back to the full scan when one is not there); the tests hold ``Scope`` to ``read_filter`` for
every role.

What is left in O(stored needs) is one aggregate query in the database when the stamp moved
(``demand_repository.dup_buckets``, no rows to Python) — see ``sync``.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import ROLE_TENANT, Actor, Role
from shuanggao.db import changes
from shuanggao.demand import repository as demand_repo
from shuanggao.demand.schemas import Visibility
from shuanggao.matches import duplicates as dup

log = logging.getLogger("shuanggao.matches")

OPEN = frozenset({Visibility.PUBLIC.value, Visibility.ANONYMOUS.value})
PAIRED = Visibility.PAIRED.value
# Rounding of scores to 4 places and float error: candidates are kept with this much to spare.
MARGIN = 1e-3
BATCH = 500
# Change detection: one aggregate per this many ids; more changed buckets than MAX_BUCKETS and
# every fingerprint is compared.
BUCKET = 256
MAX_BUCKETS = 64


@dataclass(frozen=True, slots=True)
class Entry:
    fingerprint: tuple[int, Any]
    features: dup.Features
    zone_id: int
    enterprise_id: int
    visibility: str

    @property
    def open(self) -> bool:
        return self.visibility in OPEN


@dataclass(frozen=True)
class Scope:
    """The needs an actor may read, in the index's parts (mirrors ``DemandPolicy.read_filter``,
    which the tests hold it to for every role)."""

    everything: bool = False
    zones: frozenset[int] = frozenset()  # every non-open need of these zones
    enterprises: frozenset[int] = frozenset()  # every non-open need of these enterprises
    paired_zones: frozenset[int] = frozenset()  # the ``paired`` needs of these zones

    def member(self, e: Entry) -> bool:
        if self.everything or e.open:
            return True
        return (
            e.zone_id in self.zones
            or e.enterprise_id in self.enterprises
            or (e.visibility == PAIRED and e.zone_id in self.paired_zones)
        )


def scope_of(session: Session, actor: Actor) -> Scope:
    if actor.sees_everything:
        return Scope(everything=True)
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        return Scope(zones=frozenset({actor.zone_id}))
    if actor.role is Role.ENTERPRISE_USER and actor.enterprise_id is not None:
        return Scope(enterprises=frozenset({actor.enterprise_id}))
    if ROLE_TENANT[actor.role] == "university" and actor.university_id is not None:
        paired = demand_repo.paired_zones_of_university(session, actor.university_id)
        return Scope(paired_zones=paired)
    return Scope()


@dataclass
class _Part:
    size: int = 0
    df: Counter[str] = field(default_factory=Counter)

    def add(self, body: frozenset[str], sign: int) -> None:
        self.size += sign
        if sign > 0:
            self.df.update(body)
        else:
            self.df.subtract(body)
            for t in body:
                if self.df[t] <= 0:
                    del self.df[t]


class DupIndex:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.synced = False
        self.stamp: str | None = None
        self.entries: dict[int, Entry] = {}
        self.titles: dict[str, set[int]] = {}
        self.all = _Part()
        self.open = _Part()
        self.by_zone: dict[int, _Part] = {}  # non-open needs
        self.by_enterprise: dict[int, _Part] = {}  # non-open needs
        self.paired_by_zone: dict[int, _Part] = {}
        self.buckets: dict[int, set[int]] = {}  # ids by ``id // BUCKET``
        self.aggregates: dict[int, tuple[int, int, Any]] = {}
        self.compared = 0  # fingerprints compared (rows), for the tests and the bench

    # -- keeping in step ------------------------------------------------------------------------

    def _parts(self, e: Entry) -> list[_Part]:
        if e.open:
            return [self.all, self.open]
        parts = [
            self.all,
            self.by_zone.setdefault(e.zone_id, _Part()),
            self.by_enterprise.setdefault(e.enterprise_id, _Part()),
        ]
        if e.visibility == PAIRED:
            parts.append(self.paired_by_zone.setdefault(e.zone_id, _Part()))
        return parts

    def _remove(self, demand_id: int) -> None:
        e = self.entries.pop(demand_id, None)
        if e is None:
            return
        bucket = demand_id // BUCKET
        self.aggregates.pop(bucket, None)
        ids = self.buckets[bucket]
        ids.discard(demand_id)
        if not ids:
            del self.buckets[bucket]
        for part in self._parts(e):
            part.add(e.features.body, -1)
        for t in e.features.title:
            posting = self.titles.get(t)
            if posting is not None:
                posting.discard(demand_id)
                if not posting:
                    del self.titles[t]

    def _add(self, row: Any) -> None:
        e = Entry(
            (row.version, row.updated_at),
            dup.features(row),
            row.zone_id,
            row.enterprise_id,
            row.visibility,
        )
        self.entries[row.id] = e
        self.aggregates.pop(row.id // BUCKET, None)
        self.buckets.setdefault(row.id // BUCKET, set()).add(row.id)
        for part in self._parts(e):
            part.add(e.features.body, 1)
        for t in e.features.title:
            self.titles.setdefault(t, set()).add(row.id)

    def _aggregate(self, bucket: int) -> tuple[int, int, Any] | None:
        """What ``dup_buckets`` says of ``bucket`` when the index is in step with it."""
        found = self.aggregates.get(bucket)
        if found is None:
            ids = self.buckets.get(bucket)
            if not ids:
                return None
            prints = [self.entries[i].fingerprint for i in ids]
            found = (len(prints), sum(v for v, _ in prints), max(u for _, u in prints))
            self.aggregates[bucket] = found
        return found

    def sync(self, session: Session) -> int:
        """Bring the index in step with what ``session`` sees; returns the rows (re)read.

        The stamp first; when it moved, one aggregate per ``BUCKET`` ids (rows, sum of versions,
        latest update: every ORM write of a demand bumps its version and update time); only the
        ids of the buckets that differ are compared row by row, and only changed rows read."""
        stamp = changes.stamps(session, ["demand"])["demand"]
        if self.synced and stamp == self.stamp:
            return 0
        in_db = demand_repo.dup_buckets(session, BUCKET)
        changed = sorted(b for b in in_db.keys() | self.buckets.keys()
                         if in_db.get(b) != self._aggregate(b))  # fmt: skip
        everything = not self.synced or len(changed) > MAX_BUCKETS
        prints = demand_repo.dup_fingerprints(session, None if everything else changed, BUCKET)
        known = list(self.entries) if everything else [
            i for b in changed for i in self.buckets.get(b, ())
        ]  # fmt: skip
        for gone in [i for i in known if i not in prints]:
            self._remove(gone)
        stale = [
            i
            for i, fp in prints.items()
            if (e := self.entries.get(i)) is None or e.fingerprint != fp
        ]
        for start in range(0, len(stale), BATCH):
            for row in demand_repo.dup_rows(session, stale[start : start + BATCH]):
                self._remove(row.id)
                self._add(row)
        self.stamp, self.synced = stamp, True
        self.compared += len(prints)
        return len(stale)

    # -- reading --------------------------------------------------------------------------------

    def _scope_parts(self, scope: Scope) -> list[_Part]:
        if scope.everything:
            return [self.all]
        parts = [self.open]
        parts += [self.by_zone[z] for z in scope.zones if z in self.by_zone]
        parts += [self.by_enterprise[x] for x in scope.enterprises if x in self.by_enterprise]
        parts += [self.paired_by_zone[z] for z in scope.paired_zones if z in self.paired_by_zone]
        return parts

    def scope_size(self, scope: Scope) -> int:
        return sum(p.size for p in self._scope_parts(scope))

    def corpus(
        self,
        scope: Scope,
        terms: Iterable[str],
        *,
        without: dup.Features | None = None,
        extra: Iterable[dup.Features] = (),
    ) -> dup.Corpus:
        """``duplicates.corpus_of`` over the needs in ``scope`` (less ``without``) and ``extra``,
        counted for ``terms`` only (the terms the comparisons will weigh)."""
        parts = self._scope_parts(scope)
        added = list(extra)
        size = sum(p.size for p in parts) - (without is not None) + len(added)
        df: Counter[str] = Counter()
        for t in set(terms):
            n = sum(p.df.get(t, 0) for p in parts)
            if without is not None and t in without.body:
                n -= 1
            n += sum(1 for f in added if t in f.body)
            if n:
                df[t] = n
        return dup.Corpus(size=size, df=df)

    def similar_to(
        self,
        scope: Scope,
        mine: dup.Features,
        *,
        exclude: int | None = None,
        at: float = dup.FLAG_AT,
    ) -> list[tuple[dup.Similarity, int]]:
        """The stored needs in ``scope`` (but ``exclude``) scoring ``at`` or more with ``mine``,
        best first, with corpus counts as a full scan over the same needs plus ``mine``."""
        current = self.entries.get(exclude) if exclude is not None else None
        without = current.features if current is not None and scope.member(current) else None
        base = self.corpus(scope, mine.body, without=without, extra=[mine])
        need = at - dup.SAME_CODE - dup.SAME_NODE - MARGIN
        rare_title = _rare(mine.title, base, need)
        rare_body = frozenset(_rare(mine.body, base, need))
        found: set[int] = set()
        for t in rare_title:
            found.update(self.titles.get(t, ()))
        # A cosine is at most sqrt(Σ w² over the shared terms) / |mine|: a need whose shared
        # title or body terms cannot reach ``need`` is not scored.
        w2 = {t: base.weight(t) ** 2 for t in mine.body}
        title_at = need * need * sum(w2[t] for t in mine.title)
        body_at = need * need * sum(w2.values())

        def may_reach(f: dup.Features) -> bool:
            if sum(w2[t] for t in mine.title & f.title) < title_at:
                return False
            return sum(w2[t] for t in mine.body & f.body) >= body_at

        candidates = [
            (i, e)
            for i in sorted(found)
            if i != exclude
            and not rare_body.isdisjoint((e := self.entries[i]).features.body)
            and scope.member(e)
            and may_reach(e.features)
        ]
        if not candidates:
            return []
        terms = set(mine.body).union(*(e.features.body for _, e in candidates))
        corpus = self.corpus(scope, terms, without=without, extra=[mine])
        scored = [(dup.similarity(mine, e.features, corpus), i) for i, e in candidates]
        return sorted(
            ((s, i) for s, i in scored if s.score >= at), key=lambda p: (-p[0].score, p[1])
        )


def _rare(terms: frozenset[str], corpus: dup.Corpus, need: float) -> list[str]:
    """``terms`` less its commonest ones whose weights together cannot reach a cosine of
    ``need`` (a need sharing only those with another scores below it)."""
    if need <= 0:
        return list(terms)
    weights = sorted((corpus.weight(t) ** 2, t) for t in terms)
    norm2 = sum(w for w, _ in weights)
    acc = 0.0
    k = 0
    if norm2 == 0.0:
        return list(terms)
    for w, _ in weights:
        if math.sqrt((acc + w) / norm2) >= need:
            break
        acc += w
        k += 1
    return [t for _, t in weights[k:]]


_INDEXES: dict[str, DupIndex] = {}
_INDEXES_LOCK = threading.Lock()


def _key(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def index_for(session: Session) -> DupIndex:
    """The process's index of the database ``session`` is bound to."""
    key = _key(session)
    with _INDEXES_LOCK:
        found = _INDEXES.get(key)
        if found is None:
            found = _INDEXES[key] = DupIndex()
        return found


def forget(session: Session) -> None:
    key = _key(session)
    with _INDEXES_LOCK:
        _INDEXES.pop(key, None)
