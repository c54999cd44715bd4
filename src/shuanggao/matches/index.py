"""The persistent search index of supply items and demands, kept in step with the database.

Two library matchers (one over supply items, one over demands) live under
``Settings.var_dir / "index"`` with an embedding cache keyed by model and content hash. Before
every search the index reads the side's change stamp (``db.changes``: one indexed query, written
in the same transaction as every write of the table, whoever wrote it — API, pages, imports,
demo loader, CLI). Only when the stamp moved does it compare each row's fingerprint (version and
update time) with what it indexed and re-index the rows that changed, were added or were
removed; so a search's cost does not grow with the number of unchanged rows. Unchanged texts are
never embedded again: the matcher reuses the vectors of identical texts and the cache holds
every vector it computed.

When the configured encoder cannot be loaded, the index is lexical only and says why
(``MatchIndex.note``); ``shuanggao matching reindex`` embeds everything once the model is there.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shuanggao_matching import (
    DEFAULT_MAX_QUERY_CHARS,
    ChineseTokenizer,
    EmbeddingCache,
    Encoder,
    HashingEncoder,
    Matcher,
    load_encoder,
)
from shuanggao_matching import (
    __version__ as matching_version,
)
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shuanggao.config import Settings
from shuanggao.db import changes
from shuanggao.demand import repository as demand_repo
from shuanggao.matches.documents import demand_document, supply_document
from shuanggao.supply import repository as supply_repo

log = logging.getLogger("shuanggao.matches")

STATE_FILE = "state.json"
CACHE_FILE = "embeddings.npz"
SIDES = ("supply", "demand")
# The table whose change stamp tells when a side may be out of step.
TABLES = {"supply": "supply_item", "demand": "demand"}
BATCH = 500

# Progress callback: (side, done, total).
Progress = Callable[[str, int, int], None]
EncoderFactory = Callable[[Settings], Encoder | None]

_FACTORIES: dict[str, EncoderFactory] = {}
_TOKENIZER: ChineseTokenizer | None = None
_TOKENIZER_LOCK = threading.Lock()


def shared_tokenizer() -> ChineseTokenizer:
    """One tokenizer per process: loading jieba and the domain dictionary takes seconds."""
    global _TOKENIZER
    with _TOKENIZER_LOCK:
        if _TOKENIZER is None:
            _TOKENIZER = ChineseTokenizer()
        return _TOKENIZER


def register_encoder(name: str, factory: EncoderFactory) -> None:
    """Make ``Settings.encoder = name`` build its encoder with ``factory`` (plug-in backends)."""
    _FACTORIES[name] = factory


# Loaded models, shared by every index of the process (a model is stateless once loaded).
_LOADED: dict[tuple[str, str], Encoder] = {}


def build_encoder(settings: Settings) -> tuple[Encoder | None, str | None]:
    """The configured encoder, or ``(None, note)`` explaining why matching is lexical only."""
    name = settings.encoder.strip()
    if name.lower() in ("none", "", "lexical"):
        return None, "未启用语义模型（encoder=none），当前只按关键词匹配。"
    try:
        key = (name, settings.encoder_model_path)
        if name in _FACTORIES:
            encoder = _FACTORIES[name](settings)
        elif key in _LOADED:
            return _LOADED[key], None
        else:
            encoder = load_encoder(name, path=settings.encoder_model_path or None)
        if encoder is None:
            return None, "未启用语义模型，当前只按关键词匹配。"
        # Load the model now, so a missing model is reported here and not mid-search.
        encoder.encode_queries(["模型加载检查"])
        if name not in _FACTORIES:
            _LOADED[key] = encoder
    except Exception as exc:  # any failure to load a model degrades to lexical matching
        log.warning("encoder %r unavailable: %s", name, exc)
        return None, (
            f"语义模型“{name}”不可用（{exc}），当前只按关键词匹配；"
            "模型就绪后请运行 shuanggao matching reindex。"
        )
    return encoder, None


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def __add__(self, other: SyncReport) -> SyncReport:
        return SyncReport(
            self.added + other.added, self.updated + other.updated, self.removed + other.removed
        )


@dataclass
class BuildProgress:
    """A background index build: what it is doing and how far it got."""

    side: str = ""
    # The sides this build brings up to date.
    sides: tuple[str, ...] = ()
    done: int = 0
    total: int = 0
    running: bool = True
    error: str | None = None

    @property
    def percent(self) -> int | None:
        return None if not self.total else min(100, round(self.done * 100 / self.total))


# From this many rows to (re-)embed with a real model, a page builds the index in the background
# and shows its progress instead of keeping the browser waiting.
BACKGROUND_FROM = 60
# A search (re-)indexes at most this many rows itself; more (a missing or damaged index
# directory, a large import) are indexed in the background while searches answer from what the
# index holds, or from the database (``matches.search``), and say so.
INLINE_MAX = 2000


# From this many indexed rows, an index just opened or built is put out of the cyclic garbage
# collector's reach (``settle_heap``): with 100,000 items, every full collection walks about
# 550,000 objects (about 180 ms of CPU, a stalled request), and the first one comes soon after
# the load; frozen, it costs 0.1 ms.
FREEZE_FROM = 10_000


def settle_heap(rows: int) -> bool:
    """After a large index was loaded or built: collect once now, then freeze what survives
    (``gc.freeze``), so later full collections do not walk the index again. What an earlier
    call froze is unfrozen first, so a replaced index's cycles are collected, not kept for
    good. True when it did."""
    if rows < FREEZE_FROM:
        return False
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return True


class MatchIndex:
    """Both matchers, their fingerprints and the embedding cache. Thread-safe."""

    def __init__(self, directory: Path, encoder: Encoder | None, note: str | None) -> None:
        self.directory = directory
        self.encoder = encoder
        self.note = note
        self.lock = threading.RLock()
        self.cache = EmbeddingCache()
        self.matchers: dict[str, Matcher] = {}
        self.fingerprints: dict[str, dict[str, str]] = {side: {} for side in SIDES}
        # The change stamp each side was last compared at (absent: compare in full).
        self.stamps: dict[str, str | None] = {}
        # How many full fingerprint comparisons each side took (for tests and the bench).
        self.full_syncs: dict[str, int] = dict.fromkeys(SIDES, 0)
        self.build: BuildProgress | None = None
        self._load()

    # -- persistence ---------------------------------------------------------------------------
    def _new_matcher(self) -> Matcher:
        return Matcher(
            tokenizer=shared_tokenizer(),
            encoder=self.encoder,
            embedding_cache=self.cache,
            max_query_chars=DEFAULT_MAX_QUERY_CHARS,
        )

    def _load(self) -> None:
        cache_path = self.directory / CACHE_FILE
        if cache_path.exists():
            try:
                self.cache = EmbeddingCache.load(cache_path)
            except Exception as exc:  # a damaged cache only costs embedding time
                log.warning("embedding cache %s unreadable, starting empty: %s", cache_path, exc)
                self.cache = EmbeddingCache()
        state_path = self.directory / STATE_FILE
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
            matchers = {
                side: Matcher.load(
                    self.directory / side,
                    encoder=self.encoder,
                    tokenizer=shared_tokenizer(),
                    embedding_cache=self.cache,
                )
                for side in SIDES
            }
        except FileNotFoundError:
            self._reset()
            return
        except Exception as exc:  # a damaged index is rebuilt from the database
            log.warning("index %s unreadable, rebuilding: %s", self.directory, exc)
            self._reset()
            return
        for matcher in matchers.values():
            # How much of a query the encoder reads is read at query time only (nothing stored
            # depends on it): the library's current choice, not the one saved with the index.
            matcher.max_query_chars = DEFAULT_MAX_QUERY_CHARS
        self.matchers = matchers
        self.fingerprints = {side: dict(state.get(side, {})) for side in SIDES}
        self.stamps = dict(state.get("stamps", {}))

    def _reset(self) -> None:
        self.matchers = {side: self._new_matcher() for side in SIDES}
        self.fingerprints = {side: {} for side in SIDES}
        self.stamps = {}

    def save(self) -> None:
        """Write both matchers, the cache and the fingerprints; each file is replaced whole
        (written under a name of this process and thread, then renamed), so a reader — or
        another server process saving at the same time — never sees a half-written index."""
        with self.lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            tag = f"{os.getpid()}-{threading.get_ident()}"
            for side, matcher in self.matchers.items():
                tmp = self.directory / f"{side}.tmp-{tag}"
                old = self.directory / f"{side}.old-{tag}"
                for leftover in (tmp, old):
                    if leftover.exists():
                        shutil.rmtree(leftover)
                matcher.save(tmp)
                target = self.directory / side
                if target.exists():
                    target.rename(old)
                tmp.rename(target)
                if old.exists():
                    shutil.rmtree(old)
            self.cache.save(self.directory / CACHE_FILE)
            state_tmp = self.directory / f"{STATE_FILE}.tmp-{tag}"
            state = {**self.fingerprints, "stamps": self.stamps}
            state_tmp.write_text(json.dumps(state), encoding="utf-8")
            state_tmp.replace(self.directory / STATE_FILE)

    # -- keeping in step with the database -----------------------------------------------------
    def sync(
        self,
        session: Session,
        progress: Progress | None = None,
        *,
        sides: tuple[str, ...] = SIDES,
    ) -> SyncReport:
        """Re-index what changed in the database since the last sync (of ``sides``: a search
        of supply items needs only the supply side current); save if anything changed.

        One query reads the sides' change stamps; a side whose stamp has not moved since its
        last comparison is current and costs nothing more."""
        # Read before the fingerprints: a write committed in between moves the stamp again.
        current = changes.stamps(session, [TABLES[side] for side in sides])
        with self.lock:
            report = SyncReport()
            for side in sides:
                stamp = current[TABLES[side]]
                if side in self.stamps and self.stamps[side] == stamp:
                    continue
                repo = supply_repo if side == "supply" else demand_repo
                self.full_syncs[side] += 1
                report += self._sync_side(session, side, repo.fingerprints(session), progress)
                self.stamps[side] = stamp
            if report.changed:
                self.save()
                settle_heap(report.added)
            return report

    def sync_for_search(
        self, session: Session, side: str, known: dict[str, str | None] | None = None
    ) -> None:
        """Bring ``side`` up to date for a search, unless that means (re-)indexing more than
        ``INLINE_MAX`` rows: then start it in the background (``rebuilding``) and return at once.
        A session bound to a single connection (not an engine) cannot lend it to a thread:
        it syncs inline. ``known``: the stamps this unit of work has just read, by table."""
        table = TABLES[side]
        if known is not None and table in known:
            stamp = known[table]
        else:
            stamp = changes.stamps(session, [table])[table]
        if side in self.stamps and self.stamps[side] == stamp:
            return
        if self.rebuilding(side):
            return
        bind = session.get_bind()
        if isinstance(bind, Engine) and self.pending(session, side) > INLINE_MAX:
            log.warning("index side %s far behind the database: rebuilding in background", side)
            self.build_in_background(sessionmaker(bind=bind, expire_on_commit=False), (side,))
            return
        self.sync(session, sides=(side,))

    def rebuilding(self, side: str) -> bool:
        """Is a background build of ``side`` running now?"""
        build = self.build
        return build is not None and build.running and side in build.sides

    def rebuild_note(self, side: str) -> str | None:
        build = self.build
        if build is None or not self.rebuilding(side):
            return None
        done = f"（已完成 {build.done}/{build.total}）" if build.total else ""
        return f"匹配索引正在后台重建{done}，本次结果可能不完整，请稍后再试。"

    def rebuild(self, session: Session, progress: Progress | None = None) -> SyncReport:
        """Index everything again from the database (vectors still come from the cache)."""
        with self.lock:
            self._reset()
            return self.sync(session, progress)

    def _sync_side(
        self,
        session: Session,
        side: str,
        current: dict[int, str],
        progress: Progress | None,
    ) -> SyncReport:
        known = self.fingerprints[side]
        changed = sorted(i for i, fp in current.items() if known.get(str(i)) != fp)
        gone = [k for k in known if int(k) not in current]
        matcher = self.matchers[side]
        report = SyncReport(removed=matcher.remove(gone))
        for k in gone:
            known.pop(k, None)
        total = len(changed)
        for start in range(0, total, BATCH):
            chunk = changed[start : start + BATCH]
            docs: list[Any]
            if side == "supply":
                rows: list[Any] = supply_repo.list_by_ids(session, chunk, None)
                docs = [supply_document(r) for r in rows]
            else:
                rows = demand_repo.list_by_ids(session, chunk, None)
                docs = [demand_document(r) for r in rows]
            for doc in docs:
                if doc.id in matcher:
                    report.updated += 1
                else:
                    report.added += 1
            matcher.add(docs)
            for row in rows:
                known[str(row.id)] = current[row.id]
            if progress is not None:
                progress(side, min(start + BATCH, total), total)
        if progress is not None and total == 0:
            progress(side, 0, 0)
        return report

    def pending(self, session: Session, side: str) -> int:
        """How many rows of ``side`` a sync would (re-)index now."""
        stamp = changes.stamps(session, [TABLES[side]])[TABLES[side]]
        if side in self.stamps and self.stamps[side] == stamp:
            return 0
        repo = supply_repo if side == "supply" else demand_repo
        known = self.fingerprints[side]
        current = repo.fingerprints(session)
        changed = sum(1 for i, fp in current.items() if known.get(str(i)) != fp)
        return changed + sum(1 for k in known if int(k) not in current)

    def needs_background(self, session: Session, side: str) -> bool:
        """Would bringing ``side`` up to date keep a page waiting (many texts, a real model)?"""
        if self.encoder is None or isinstance(self.encoder, HashingEncoder):
            return False
        return self.pending(session, side) >= BACKGROUND_FROM

    def build_in_background(
        self, factory: sessionmaker[Session], sides: tuple[str, ...] = SIDES
    ) -> BuildProgress:
        """Start a sync of ``sides`` in a thread with its own session (once at a time)."""
        with self.lock:
            if self.build is not None and self.build.running:
                return self.build
            progress = BuildProgress(sides=sides)
            self.build = progress

        def report(side: str, done: int, total: int) -> None:
            progress.side, progress.done, progress.total = side, done, total

        def run() -> None:
            try:
                with factory() as session:
                    self.sync(session, report, sides=sides)
            except Exception as exc:  # shown on the progress page; the next page retries
                log.exception("background index build failed")
                progress.error = f"建立索引失败：{exc}"
            finally:
                progress.running = False

        threading.Thread(target=run, name="match-index-build", daemon=True).start()
        return progress

    # -- inspection ----------------------------------------------------------------------------
    @property
    def method(self) -> str:
        return "hybrid" if self.encoder is not None else "lexical"

    @property
    def model_version(self) -> str:
        """The engine's version and the embedding model (PIPL 24 transparency; checklist PI-07)."""
        model = self.encoder.model_id if self.encoder is not None else "lexical-bm25"
        return f"shuanggao-matching {matching_version} / {model}"

    def size(self, side: str) -> int:
        return len(self.matchers[side])


_INDEXES: dict[tuple[str, str, str], MatchIndex] = {}
_REGISTRY_LOCK = threading.Lock()


def index_dir(settings: Settings) -> Path:
    return settings.var_dir / "index"


def get_index(settings: Settings) -> MatchIndex:
    """The process's index for these settings (opened, and its encoder loaded, once)."""
    key = (str(index_dir(settings)), settings.encoder, settings.encoder_model_path)
    with _REGISTRY_LOCK:
        found = _INDEXES.get(key)
        if found is None:
            encoder, note = build_encoder(settings)
            found = MatchIndex(index_dir(settings), encoder, note)
            _INDEXES[key] = found
            settle_heap(sum(len(m) for m in found.matchers.values()))
        return found


def forget_index(settings: Settings) -> None:
    """Drop the cached index of these settings (the next ``get_index`` opens it again)."""
    key = (str(index_dir(settings)), settings.encoder, settings.encoder_model_path)
    with _REGISTRY_LOCK:
        _INDEXES.pop(key, None)
