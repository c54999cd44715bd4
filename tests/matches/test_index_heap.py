"""A large index, once opened or built, is frozen out of the cyclic garbage collector's reach
(``gc.freeze``): otherwise every full collection walks all of its objects (about 180 ms of CPU
with 100,000 items), stalling whichever request triggers it. Small indexes are left alone."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from shuanggao.config import Settings
from shuanggao.matches import index as index_module
from shuanggao.matches.index import forget_index, get_index
from tests.factories import create_supply_item, create_university


@pytest.fixture
def unfrozen(settings: Settings) -> Iterator[None]:
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()
        forget_index(settings)


def test_a_large_index_is_frozen_once_built_and_once_opened(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch, unfrozen: None
) -> None:
    uni = create_university(session)
    for i in range(3):
        create_supply_item(session, uni, title=f"锂电池热失控预警{i}")
    monkeypatch.setattr(index_module, "FREEZE_FROM", 3)
    index = get_index(settings)
    assert gc.get_freeze_count() == 0  # nothing indexed yet
    index.sync(session)
    assert gc.get_freeze_count() > 0
    # Opened again from disk (a new process, a reload): frozen as soon as it is loaded.
    gc.unfreeze()
    forget_index(settings)
    assert get_index(settings).size("supply") == 3
    assert gc.get_freeze_count() > 0


def test_a_small_index_is_not_frozen(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch, unfrozen: None
) -> None:
    uni = create_university(session)
    for i in range(3):
        create_supply_item(session, uni, title=f"锂电池热失控预警{i}")
    monkeypatch.setattr(index_module, "FREEZE_FROM", 4)
    get_index(settings).sync(session)
    forget_index(settings)
    get_index(settings)
    assert gc.get_freeze_count() == 0


def test_garbage_frozen_by_an_earlier_settle_is_collected_by_the_next(unfrozen: None) -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self  # a cycle: only the cyclic collector frees it

    node = Node()
    assert index_module.settle_heap(index_module.FREEZE_FROM)
    gone = weakref.ref(node)
    del node  # a replaced index: unreachable, but frozen, in a cycle
    assert gone() is not None
    index_module.settle_heap(index_module.FREEZE_FROM)  # the next large load or build
    assert gone() is None
