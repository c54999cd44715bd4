"""The persistent index follows the database incrementally and never embeds a text twice."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.config import Settings
from shuanggao.errors import Forbidden
from shuanggao.kit import service as kit
from shuanggao.matches import service
from shuanggao.matches.index import SyncReport, forget_index, get_index
from shuanggao.supply.registers import supply_items
from tests.factories import create_supply_item, create_university
from tests.matches.conftest import CountingEncoder


def _lexical_ids(settings: Settings, text: str) -> list[str]:
    matcher = get_index(settings).matchers["supply"]
    return matcher.search(text, top_k=10, method="lexical").ids()


def test_edit_reindexes_only_the_changed_item(
    session: Session, settings: Settings, encoder: CountingEncoder
) -> None:
    uni = create_university(session)
    storage = create_supply_item(
        session, uni, title="锂电池储能安全预警", abstract="储能电站热失控早期预警"
    )
    vision = create_supply_item(
        session, uni, title="工业机器视觉缺陷检测", abstract="基于深度学习的机器视觉表面缺陷检测"
    )
    bio = create_supply_item(
        session, uni, title="抗体药物筛选平台", abstract="单克隆抗体高通量筛选"
    )
    index = get_index(settings)
    assert index.sync(session) == SyncReport(added=3)
    assert len(encoder.passages) == 3
    assert _lexical_ids(settings, "机器视觉") == [str(vision.id)]

    kit.update_record(
        session,
        Actor.system(),
        supply_items,
        vision.id,
        {"title": "高光谱农产品分选", "abstract": "高光谱成像的农产品品质无损分选"},
        expected_version=vision.version,
    )
    assert index.sync(session) == SyncReport(updated=1)
    # Only the edited item was embedded again, with its new text.
    assert len(encoder.passages) == 4
    assert "高光谱农产品分选" in encoder.passages[-1]
    assert _lexical_ids(settings, "机器视觉") == []
    assert _lexical_ids(settings, "高光谱") == [str(vision.id)]
    run = service.match_text(session, settings, Actor.system(), "高光谱农产品分选设备")
    assert run.hits[0].obj.id == vision.id

    # Nothing changed: nothing is indexed or embedded.
    assert index.sync(session) == SyncReport()
    assert len(encoder.passages) == 4

    # Back to an earlier text: its vector comes from the cache.
    kit.update_record(
        session,
        Actor.system(),
        supply_items,
        vision.id,
        {"title": "工业机器视觉缺陷检测", "abstract": "基于深度学习的机器视觉表面缺陷检测"},
        expected_version=vision.version,
    )
    assert index.sync(session) == SyncReport(updated=1)
    assert len(encoder.passages) == 4

    kit.delete_record(session, Actor.system(), supply_items, bio.id)
    assert index.sync(session) == SyncReport(removed=1)
    assert str(bio.id) not in index.matchers["supply"]
    assert _lexical_ids(settings, "抗体") == []
    assert str(storage.id) in index.matchers["supply"]


def test_reopened_and_rebuilt_index_embeds_nothing_again(
    session: Session, settings: Settings, encoder: CountingEncoder
) -> None:
    uni = create_university(session)
    create_supply_item(session, uni, title="锂电池储能安全预警", abstract="热失控预警")
    create_supply_item(session, uni, title="工业机器视觉缺陷检测", abstract="表面缺陷")
    get_index(settings).sync(session)
    assert len(encoder.passages) == 2
    assert (settings.var_dir / "index" / "state.json").exists()

    forget_index(settings)
    reopened = get_index(settings)
    fresh = reopened.encoder
    assert isinstance(fresh, CountingEncoder) and fresh is not encoder
    assert reopened.size("supply") == 2
    assert reopened.sync(session) == SyncReport()
    assert reopened.rebuild(session) == SyncReport(added=2)
    assert fresh.passages == []
    assert _lexical_ids(settings, "机器视觉") != []


def test_a_damaged_index_is_rebuilt_from_the_database(
    session: Session, settings: Settings, encoder: CountingEncoder
) -> None:
    uni = create_university(session)
    create_supply_item(session, uni, title="锂电池储能安全预警", abstract="热失控预警")
    get_index(settings).sync(session)
    (settings.var_dir / "index" / "supply" / "manifest.json").write_text("{", encoding="utf-8")
    forget_index(settings)
    reopened = get_index(settings)
    assert reopened.size("supply") == 0
    assert reopened.sync(session) == SyncReport(added=1)
    assert isinstance(reopened.encoder, CountingEncoder)
    assert reopened.encoder.passages == []


def test_missing_model_gives_lexical_results_with_a_message(
    session: Session, db_url: str, tmp_path_factory: object
) -> None:
    from pathlib import Path

    var_dir = Path(str(tmp_path_factory.mktemp("nomodel")))  # type: ignore[attr-defined]
    settings = Settings(
        var_dir=var_dir,
        database_url=db_url,
        encoder="sentence-transformers",
        encoder_model_path=str(var_dir / "no-such-model"),
    )
    uni = create_university(session)
    item = create_supply_item(session, uni, title="锂电池储能安全预警", abstract="热失控预警")
    run = service.match_text(session, settings, Actor.system(), "储能安全预警")
    assert run.method == "lexical"
    assert run.note is not None and "只按关键词匹配" in run.note
    assert [h.obj.id for h in run.hits] == [item.id]


def test_discipline_suggestions_use_the_labelled_examples(
    session: Session, settings: Settings
) -> None:
    from shuanggao.matches.classifiers import _examples

    examples = _examples("discipline")
    assert len(examples) == 1104
    assert examples[0][1] == "0826"
    uni = create_university(session)
    item = create_supply_item(
        session,
        uni,
        title="抗肿瘤药物缓释制剂",
        abstract="基于纳米载体的抗肿瘤药物缓释制剂处方与工艺研究",
        keywords=["药物制剂", "缓释", "纳米载体"],
    )
    found = service.suggest_codes_for_supply(session, settings, Actor.system(), item.id)
    assert found.method == "lexical"
    assert "1007" in [s.code for s in found.discipline_codes]


def test_reindex_prepares_hybrid_classifiers(
    session: Session, settings: Settings, encoder: CountingEncoder
) -> None:
    uni = create_university(session)
    item = create_supply_item(session, uni, title="储能电池热失控预警", abstract="储能安全")
    _, report = service.reindex(session, settings, Actor.system(), with_classifiers=True)
    assert report == SyncReport(added=1)
    assert (settings.var_dir / "index" / "classifiers.json").exists()
    embedded = len(encoder.passages)
    found = service.suggest_codes_for_supply(session, settings, Actor.system(), item.id)
    assert found.method == "hybrid"
    assert len(found.discipline_codes) == 3
    # The label profiles were embedded by the reindex; a suggestion embeds only its own text.
    assert len(encoder.passages) - embedded <= 1
    other = Actor(role=Role.ZONE_ADMIN, user_id=5)
    with pytest.raises(Forbidden):
        service.reindex(session, settings, other)
