"""A long query is cut (and says so), and reasons are the library's reasons as plain JSON."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.config import Settings
from shuanggao.matches import service
from shuanggao.matches.documents import MAX_QUERY_CHARS
from tests.conftest import ClientFor
from tests.factories import create_supply_item, create_university


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def test_a_long_query_is_cut_with_a_note(
    client_for: ClientFor, province: Actor, session: Session
) -> None:
    uni = create_university(session)
    item = create_supply_item(session, uni, title="锂电池热失控预警", abstract="储能安全")
    # The need is stated at the start; the rest is filler past the limit.
    text = "锂电池热失控预警" + "。" * (MAX_QUERY_CHARS - 8) + "抗体药物筛选" * 500
    assert len(text) == 5000
    resp = client_for(province).get("/api/v1/matches/text", params={"text": text})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["note"] == "查询文本共 5000 字，超过 2000 字，只按前 2000 字匹配。"
    assert [r["id"] for r in body["results"]] == [item.id]
    # The text past the limit was not searched.
    assert "抗体" not in str(body["results"][0]["reasons"]["shared_terms"])

    short = client_for(province).get("/api/v1/matches/text", params={"text": "锂电池热失控"})
    assert short.json()["note"] is None


def test_reasons_are_the_library_reasons_as_plain_json(
    session: Session, settings: Settings
) -> None:
    uni = create_university(session)
    for title in ("锂电池热失控预警", "储能电站安全监测", "锂电池储能系统"):
        create_supply_item(session, uni, title=title, abstract="锂电池储能安全", keywords=["储能"])
    run = service.match_text(session, settings, Actor.system(), "锂电池储能安全预警")
    assert len(run.hits) == 3
    for hit in run.hits:
        assert hit.reasons == _rounded(asdict(hit.lib.reasons))
        assert hit.reasons["shared_terms"]


def test_the_fast_reasons_path_knows_every_field_of_the_library_reasons() -> None:
    """``reasons_json`` spells the reason types out field by field; when the library adds a
    field it falls back to the generic walk (still exact, twice as slow): add the field there."""
    from shuanggao.matches import reasons

    assert reasons._SHAPES_HOLD
