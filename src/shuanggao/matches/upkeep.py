"""Code suggestions and the search index's upkeep (reindex, background builds)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.db.session import build_engine, make_session_factory
from shuanggao.demand.models import Demand
from shuanggao.demand.registers import demands as demand_register
from shuanggao.errors import Forbidden
from shuanggao.kit import service as kit
from shuanggao.matches import classifiers, dup_index
from shuanggao.matches.index import (
    BuildProgress,
    MatchIndex,
    Progress,
    SyncReport,
    get_index,
)
from shuanggao.matches.schemas import (
    CodeSuggestion,
    CodeSuggestions,
)
from shuanggao.supply.models import SupplyItem
from shuanggao.supply.registers import supply_items as supply_register

log = logging.getLogger("shuanggao.matches")

# ---------------------------------------------------------------------------------------------
# Code suggestions and the index
# ---------------------------------------------------------------------------------------------


def _suggest(index: MatchIndex, name: str, text: str) -> tuple[str, list[CodeSuggestion]]:
    clf = classifiers.classifier(index, name)
    method = "hybrid" if clf.encoder is not None else "lexical"
    found = clf.classify(text, top_k=3)
    return method, [
        CodeSuggestion(code=f.code, name=f.name, score=round(f.score, 4)) for f in found
    ]


def suggest_codes_for_demand(
    session: Session, settings: Settings, actor: Actor, demand_id: int
) -> CodeSuggestions:
    """Industry codes and chain nodes for a demand (top 3 each), from its text."""
    demand: Demand = kit.get_record(session, actor, demand_register, demand_id)
    index = get_index(settings)
    text = "\n".join(p for p in (demand.title, demand.description, *demand.keywords) if p)
    method, industries = _suggest(index, "industry", text)
    _, nodes = _suggest(index, "chain_node", text)
    return CodeSuggestions(method=method, industry_codes=industries, chain_nodes=nodes)


def suggest_codes_for_supply(
    session: Session, settings: Settings, actor: Actor, item_id: int
) -> CodeSuggestions:
    """一级学科 for a supply item (top 3), from its text."""
    item: SupplyItem = kit.get_record(session, actor, supply_register, item_id)
    index = get_index(settings)
    parts = (item.title, item.abstract, item.research_directions, *item.keywords)
    method, disciplines = _suggest(index, "discipline", "\n".join(p for p in parts if p))
    return CodeSuggestions(method=method, discipline_codes=disciplines)


def reindex(
    session: Session,
    settings: Settings,
    actor: Actor,
    *,
    full: bool = True,
    progress: Progress | None = None,
    prepare_classifiers: Callable[[str], None] | None = None,
    with_classifiers: bool = False,
) -> tuple[MatchIndex, SyncReport]:
    """Bring the index in step with the database (``full``: rebuild it; vectors of unchanged
    texts still come from the cache); optionally embed the classifiers' label profiles."""
    if not actor.is_province:
        raise Forbidden()
    index = get_index(settings)
    report = index.rebuild(session, progress) if full else index.sync(session, progress)
    if with_classifiers:
        classifiers.prepare(index, prepare_classifiers)
    return index, report


class IndexBuilding(Exception):
    """The index is being built in the background; the page shows ``progress`` meanwhile."""

    def __init__(self, progress: BuildProgress) -> None:
        super().__init__("index building")
        self.progress = progress


def ensure_index_ready(
    session: Session,
    settings: Settings,
    factory: sessionmaker[Session],
    side: str,
) -> None:
    """For pages: when ``side`` has many texts to embed with a real model, build it in the
    background and raise ``IndexBuilding`` (the page shows the progress) instead of making the
    browser wait; otherwise return and let the search bring the index up to date."""
    index = get_index(settings)
    build = index.build
    if build is not None and build.running:
        raise IndexBuilding(build)
    if index.needs_background(session, side):
        raise IndexBuilding(index.build_in_background(factory, (side,)))


def index_progress(settings: Settings) -> BuildProgress | None:
    return get_index(settings).build


def warm_up(settings: Settings) -> None:
    """At server start (``shuanggao serve``, in a background thread): open the search index
    from disk and bring the duplicate index in step with the database, so that the first
    search and the first saved need after a restart do not pay for them — the duplicate
    index is built from the table (at 50,000 stored needs ~14 s, the first save's wait before
    this). A save meanwhile waits for the index's lock, as it would have built it itself. A
    failure only loses the head start: it is logged, nothing else."""
    started = time.perf_counter()
    engine = None
    try:
        get_index(settings)
        engine = build_engine(settings.resolved_database_url())
        with make_session_factory(engine)() as session:
            index = dup_index.index_for(session)
            with index.lock:
                rows = index.sync(session)
        log.info(
            "warm-up: search index open, duplicate index in step (%d needs read) in %.1f s",
            rows,
            time.perf_counter() - started,
        )
    except Exception:
        log.warning(
            "warm-up failed; the first search or save builds what is missing", exc_info=True
        )
    finally:
        if engine is not None:
            engine.dispose()
