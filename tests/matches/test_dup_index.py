"""The duplicate check through its index (``matches/dup_index.py``) answers exactly what the full
scan over every need in the author's scope answers — the same needs, the same scores, the same
shared terms — on the labelled set planted across zones, enterprises and visibilities, on the
demo data, after edits, deletions and a rolled-back write; it never names a need outside the
author's scope; and a save's query count does not grow with the number of stored needs."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.db.session import build_engine
from shuanggao.demand import repository as demand_repo
from shuanggao.demand.models import Demand
from shuanggao.demand.registers import demands as demand_register
from shuanggao.enterprises.models import Enterprise
from shuanggao.kit import service as kit_service
from shuanggao.matches import dup_index, triage
from shuanggao.matches import duplicates as dup
from shuanggao.matches.dup_eval import DEFAULT_PAIRS
from shuanggao.matches.results import DEMAND_POLICY
from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.zones.models import Zone
from tests.demand.world import World, build_world
from tests.factories import create_demand, create_demand_enterprise

VISIBILITIES = ("public", "paired", "anonymous", "admins")
ALL = 10**6


def _pairs() -> list[dict[str, str]]:
    with DEFAULT_PAIRS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _values(row: dict[str, str], side: str) -> dict[str, Any]:
    keywords = [k for k in row[f"{side}_keywords"].replace(";", "；").split("；") if k.strip()]
    return {
        "title": row[f"{side}_title"],
        "description": row[f"{side}_description"],
        "keywords": keywords,
        "industry_code": row[f"{side}_industry_code"] or None,
        "chain_node": row[f"{side}_chain_node"] or None,
    }


def _plant(session: Session, world: World) -> list[dict[str, Any]]:
    """The labelled set's ``b`` needs stored across both zones' enterprises and every
    visibility (with a few ``a`` needs too); returns the ``a`` needs, to be entered."""
    firms = [world.ent_a, world.ent_secret, world.ent_b]
    used: set[tuple[int, str]] = set()

    def store(firm: Any, visibility: str, values: dict[str, Any]) -> None:
        if (firm.id, values["title"]) in used:  # a title is unique per enterprise
            firm = create_demand_enterprise(session, session.get(Zone, firm.zone_id))
        used.add((firm.id, values["title"]))
        create_demand(session, firm, visibility=visibility, **values)

    rows = _pairs()
    for n, row in enumerate(rows):
        store(firms[n % 3], VISIBILITIES[n % 4], _values(row, "b"))
        if n % 5 == 0:
            store(firms[(n + 1) % 3], VISIBILITIES[(n + 2) % 4], _values(row, "a"))
    return [_values(row, "a") for row in rows]


def _indexed(
    session: Session, actor: Actor, values: dict[str, Any], exclude: int | None = None
) -> list[tuple[dup.Similarity, int]]:
    found = triage.indexed_similar(session, actor, dup.features(_text(values)), exclude, ALL)
    assert found is not None, "the index should answer, not fall back"
    return [(s, d.id) for s, d in found]


def _scanned(
    session: Session, actor: Actor, values: dict[str, Any], exclude: int | None = None
) -> list[tuple[dup.Similarity, int]]:
    found = triage.scan_similar(session, actor, dup.features(_text(values)), exclude)
    return [(s, d.id) for s, d in found]


def _text(values: dict[str, Any]) -> dup.NeedText:
    return triage._need_text(values)


def _scope_ids(session: Session, actor: Actor) -> set[int]:
    return {d.id for d in demand_repo.list_in_scope(session, DEMAND_POLICY.read_filter(actor))}


def test_index_flags_what_the_full_scan_flags_for_every_role(session: Session) -> None:
    world = build_world(session)
    news = _plant(session, world)
    flagged = 0
    for name, actor in world.actors.items():
        scope = _scope_ids(session, actor)
        for values in news[::2]:
            got = _indexed(session, actor, values)
            assert got == _scanned(session, actor, values), (name, values["title"])
            # Never a need the author may not read.
            assert {i for _, i in got} <= scope, name
            flagged += len(got)
    # The planted duplicates are found (the comparison is not between two empty answers).
    assert flagged > 100


def test_index_follows_edits_deletions_and_updates_of_the_need_itself(session: Session) -> None:
    world = build_world(session)
    news = _plant(session, world)
    province, zone_a = world.actors["province"], world.actors["zone_a"]
    assert _indexed(session, province, news[0]) == _scanned(session, province, news[0])
    stored = list(session.scalars(select(Demand).order_by(Demand.id)))
    # Edit a text, hide a need from zone A, delete one: the next check sees all three.
    stored[5].title = news[1]["title"]
    stored[5].description = news[1]["description"]
    stored[6].visibility = "admins"
    stored[6].zone_id = world.zone_b.id
    stored[6].enterprise_id = world.ent_b.id
    session.delete(stored[7])
    session.flush()
    for actor in (province, zone_a, world.actors["ent_b"], world.actors["uni_paired_admin"]):
        for values in news[:30]:
            assert _indexed(session, actor, values) == _scanned(session, actor, values)
    # Saving an existing need compares it with the others, not with its old self.
    for d in stored[:20]:
        values = {
            "title": d.title,
            "description": d.description,
            "keywords": d.keywords,
            "industry_code": d.industry_code,
            "chain_node": d.chain_node,
        }
        for actor in (province, zone_a):
            got = _indexed(session, actor, values, d.id)
            assert got == _scanned(session, actor, values, d.id)
            assert d.id not in {i for _, i in got}


def test_a_rolled_back_write_leaves_no_trace_in_the_index(session: Session) -> None:
    world = build_world(session)
    news = _plant(session, world)
    province = world.actors["province"]
    nested = session.begin_nested()
    ghost = create_demand(session, world.ent_a, **news[2])
    assert ghost.id in {i for _, i in _indexed(session, province, news[2])}
    nested.rollback()
    got = _indexed(session, province, news[2])
    assert ghost.id not in {i for _, i in got}
    assert got == _scanned(session, province, news[2])


def test_a_pairing_ended_changes_what_a_university_reads_and_the_index_follows(
    session: Session,
) -> None:
    world = build_world(session)
    news = _plant(session, world)
    reader = world.actors["uni_paired_admin"]
    before = [_indexed(session, reader, v) for v in news[:40]]
    assert before == [_scanned(session, reader, v) for v in news[:40]]
    pairing = session.scalars(
        select(Pairing)
        .join(PairingUniversity, PairingUniversity.pairing_id == Pairing.id)
        .where(PairingUniversity.university_id == world.uni_paired.id)
    ).one()
    pairing.status = "terminated"
    session.flush()
    after = [_indexed(session, reader, v) for v in news[:40]]
    assert after == [_scanned(session, reader, v) for v in news[:40]]
    assert after != before  # the paired needs of zone A dropped out


def test_the_scopes_parts_are_the_read_filters_needs_for_every_role(session: Session) -> None:
    world = build_world(session)
    _plant(session, world)
    odd = {
        "security": Actor(role=Role.SECURITY_ADMIN, user_id=20, username="sec"),
        "zone_without_zone": Actor(role=Role.ZONE_ADMIN, user_id=21, username="z0"),
        "enterprise_without_firm": Actor(role=Role.ENTERPRISE_USER, user_id=22, username="e0"),
        "researcher_without_university": Actor(role=Role.RESEARCHER, user_id=23, username="r0"),
    }
    index = dup_index.index_for(session)
    for name, actor in {**world.actors, **odd}.items():
        with index.lock:
            index.sync(session)
            scope = dup_index.scope_of(session, actor)
            mine = {i for i, e in index.entries.items() if scope.member(e)}
            assert index.scope_size(scope) == len(mine), name
        assert mine == _scope_ids(session, actor), name


def test_a_need_the_index_wrongly_thinks_readable_is_never_named(session: Session) -> None:
    world = build_world(session)
    news = _plant(session, world)
    zone_a = world.actors["zone_a"]
    hidden = create_demand(session, world.ent_b, visibility="admins", **news[3])
    assert hidden.id not in _scope_ids(session, zone_a)
    expected = _scanned(session, zone_a, news[3])
    index = dup_index.index_for(session)
    with index.lock:
        index.sync(session)
        # The index out of step with the policy (the stamp did not move): it takes zone B's
        # admins-only need for a public one.
        entry = index.entries[hidden.id]
        index._remove(hidden.id)
        row = dict(zip(("version", "updated_at"), entry.fingerprint, strict=True))
        index._add(_Row(id=hidden.id, visibility="public", zone_id=entry.zone_id,
                        enterprise_id=entry.enterprise_id, **row, **news[3]))  # fmt: skip
    assert triage.indexed_similar(session, zone_a, dup.features(_text(news[3])), None) is None
    warnings = triage.check_duplicates(session, zone_a, news[3], None)
    named = [s["demand_id"] for s in warnings[0]["similar"]]
    assert hidden.id not in named
    assert named == [i for _, i in expected[: triage.WARN_LIMIT]]
    dup_index.forget(session)


class _Row:
    def __init__(self, **values: Any) -> None:
        self.__dict__.update({"technical_indicators": None, "chain_node_id": None, **values})


def test_the_import_files_corpus_is_the_full_scans(session: Session) -> None:
    world = build_world(session)
    news = _plant(session, world)
    for actor in (world.actors["province"], world.actors["zone_b"], world.actors["ent_a"]):
        feats = [dup.features(_text(v)) for v in news[:25]]
        got = triage._file_corpus(session, actor, feats)
        stored = [
            triage._features(d)
            for d in demand_repo.list_in_scope(session, DEMAND_POLICY.read_filter(actor))
        ]
        full = dup.corpus_of([*stored, *feats])
        assert got.size == full.size
        terms = set().union(*(f.body for f in feats))
        assert {t: got.df[t] for t in terms} == {t: full.df[t] for t in terms}


# -- query count ---------------------------------------------------------------------------------


@pytest.fixture
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []
    engine = session.get_bind().engine

    def count(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def _save(session: Session, actor: Actor, enterprise: Enterprise, n: int) -> list[str]:
    payload = {
        "enterprise_id": enterprise.id,
        "title": f"高端光刻胶树脂国产化攻关{n}",
        "description": "需要 ArF 光刻胶用树脂的合成与纯化技术，替代进口。",
        "keywords": ["光刻胶"],
        "industry_code": "C2664",
        "cooperation_mode": "技术开发",
    }
    kit_service.create_record(session, actor, demand_register, payload)
    return kit_service.take_warnings(session)


def test_a_saves_query_count_does_not_grow_with_the_stored_needs(
    session: Session, statements: list[str]
) -> None:
    world = build_world(session)
    _plant(session, world)
    zone_a = world.actors["zone_a"]
    ent_a = world.ent_a.id
    counts, loads = [], []
    loaded: list[int] = []

    def on_load(target: Demand, _ctx: Any) -> None:
        loaded.append(target.id)

    event.listen(Demand, "load", on_load)
    try:
        for extra in (0, 150):
            firm = create_demand_enterprise(session, world.zone_a)
            for k in range(extra):
                create_demand(session, firm, title=f"第{k}项产线数字化改造", description="平台")
            enterprise = session.get(Enterprise, ent_a)
            _save(session, zone_a, enterprise, 2 * extra)  # the index catches up
            session.expunge_all()  # what the save reads is loaded from the database
            statements.clear()
            loaded.clear()
            warnings = _save(session, zone_a, session.get(Enterprise, ent_a), 2 * extra + 1)
            assert warnings and warnings[0]["code"] == "possible_duplicate"
            counts.append(len(statements))
            loads.append(len(loaded))
    finally:
        event.remove(Demand, "load", on_load)
    assert counts[0] == counts[1], counts
    # The needs named (at most WARN_LIMIT) and the saved one; not every need in scope.
    assert loads[0] == loads[1] <= triage.WARN_LIMIT + 2, loads


# -- the demo data -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_session(demo_template_url: str) -> Iterator[Session]:
    """A read-only session on the session's demo database (rolled back; nothing is written)."""
    engine = build_engine(demo_template_url)
    with Session(engine) as s:
        yield s
        s.rollback()
    engine.dispose()


@pytest.mark.slow
def test_index_flags_what_the_full_scan_flags_on_the_demo_data(demo_session: Session) -> None:
    session = demo_session
    demands = list(session.scalars(select(Demand).order_by(Demand.id)))
    zones = sorted({d.zone_id for d in demands})
    firms = sorted({d.enterprise_id for d in demands})
    unis = list(session.scalars(select(PairingUniversity.university_id).distinct()))
    actors = [
        Actor(role=Role.PROVINCE_ADMIN, user_id=1, username="p"),
        *(Actor(role=Role.ZONE_ADMIN, user_id=2, username="z", zone_id=z) for z in zones[:3]),
        *(
            Actor(role=Role.ENTERPRISE_USER, user_id=3, username="e", enterprise_id=e)
            for e in firms[:2]
        ),
        *(Actor(role=Role.RESEARCHER, user_id=4, username="r", university_id=u) for u in unis[:1]),
    ]
    flagged = 0
    for d in demands[::12]:
        values = {
            "title": d.title,
            "description": d.description,
            "technical_indicators": d.technical_indicators,
            "keywords": d.keywords,
            "industry_code": d.industry_code,
            "chain_node": d.chain_node,
            "chain_node_id": d.chain_node_id,
        }
        for actor in actors:
            for exclude in (None, d.id):
                got = _indexed(session, actor, values, exclude)
                assert got == _scanned(session, actor, values, exclude), (d.title, actor)
                flagged += len(got)
    assert flagged > len(demands[::12])  # at least the stored need itself, and more


def test_a_change_is_found_without_comparing_every_stored_need(session: Session) -> None:
    world = build_world(session)
    news = _plant(session, world)
    firm = create_demand_enterprise(session, world.zone_b)
    session.execute(
        insert(Demand),
        [
            {
                "enterprise_id": firm.id,
                "zone_id": world.zone_b.id,
                "title": f"第{k}条产线的数字化改造",
                "description": "工业互联网平台建设",
                "keywords": [],
                "cooperation_mode": "development",
                "visibility": "public",
                "triage_state": "pending",
            }
            for k in range(3 * dup_index.BUCKET)
        ],
    )
    province = world.actors["province"]
    index = dup_index.index_for(session)
    with index.lock:
        index.sync(session)
    stored = session.scalars(select(Demand).where(Demand.enterprise_id == firm.id)).first()
    assert stored is not None
    stored.title = news[4]["title"]
    stored.description = news[4]["description"]
    session.flush()
    before = index.compared
    with index.lock:
        assert index.sync(session) == 1  # the one need edited is read again
    # Only the edited need's bucket of ids was compared row by row.
    assert 0 < index.compared - before <= dup_index.BUCKET
    assert len(index.entries) > 3 * dup_index.BUCKET
    got = _indexed(session, province, news[4])
    assert stored.id in {i for _, i in got}
    assert got == _scanned(session, province, news[4])
