"""``shuanggao privacy rehash-phones`` back-fills the phone blind index, through the real CLI on a
committed database; a second run changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shuanggao.audit.models import AuditEvent
from shuanggao.db.sealed import blind_index
from shuanggao.db.session import build_engine
from shuanggao.demand.models import Demand
from shuanggao.enterprises.models import Enterprise
from tests.dbs import fresh_database
from tests.factories import create_demand, create_enterprise
from tests.privacy.test_retention import run


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    with fresh_database(tmp_path) as u:
        yield u


def _hashes(url: str) -> dict[str, str | None]:
    engine = build_engine(url)
    try:
        with Session(engine) as s:
            out = {f"e{e.id}": e.phone_hash for e in s.scalars(select(Enterprise))}
            out |= {f"d{d.id}": d.phone_hash for d in s.scalars(select(Demand))}
            return out
    finally:
        engine.dispose()


def test_rehash_phones_backfills_missing_and_stale_hashes_once(url: str) -> None:
    engine = build_engine(url)
    with Session(engine) as s:
        legacy = create_enterprise(s, phone="+86 138-1234-5678")
        stale = create_enterprise(s, phone="13900001111")
        good = create_enterprise(s, phone="13700002222")
        none = create_enterprise(s, phone=None)
        demand = create_demand(s, legacy, phone="025-8888 6666")
        s.commit()
        # Rows written before the blind index existed: no hash, or a wrong one.
        s.execute(update(Enterprise).where(Enterprise.id == legacy.id).values(phone_hash=None))
        s.execute(update(Enterprise).where(Enterprise.id == stale.id).values(phone_hash="0" * 64))
        s.execute(update(Demand).where(Demand.id == demand.id).values(phone_hash=None))
        s.commit()
        ids = (legacy.id, stale.id, good.id, none.id, demand.id)
    engine.dispose()
    before = _hashes(url)
    assert before[f"e{ids[0]}"] is None and before[f"d{ids[4]}"] is None

    first = run(url, "rehash-phones", "--batch-size", "2")
    assert first.exit_code == 0, first.output
    assert "已补算电话检索哈希 3 条" in first.output, first.output
    after = _hashes(url)
    assert after[f"e{ids[0]}"] == blind_index("13812345678")
    assert after[f"e{ids[1]}"] == blind_index("13900001111")
    assert after[f"e{ids[2]}"] == before[f"e{ids[2]}"] == blind_index("13700002222")
    assert after[f"e{ids[3]}"] is None
    assert after[f"d{ids[4]}"] == blind_index("02588886666")

    again = run(url, "rehash-phones")
    assert again.exit_code == 0, again.output
    assert "已补算电话检索哈希 0 条" in again.output
    assert _hashes(url) == after
    engine = build_engine(url)
    with Session(engine) as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "phone_hashes")).all()
        assert len(events) == 1
    engine.dispose()
