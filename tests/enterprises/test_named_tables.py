"""Tables a lower layer names instead of importing (docs/architecture.md) match the models."""

from __future__ import annotations

import pytest
from sqlalchemy import TableClause

from shuanggao.db.base import Base
from shuanggao.enterprises import repository as enterprises
from shuanggao.pairings import repository as pairings
from shuanggao.talent import repository as talent


@pytest.mark.parametrize(
    "named",
    [
        enterprises.PROJECT_ENTERPRISE,
        enterprises.PROJECT,
        pairings.ENTERPRISE,
        talent.ENTERPRISE,
        talent.PLATFORM,
        talent.PRACTICE_PROJECT,
    ],
    ids=lambda t: t.name,
)
def test_named_table_matches_the_model(named: TableClause) -> None:
    model = Base.metadata.tables[named.name]
    assert {c.name for c in named.columns} <= {c.name for c in model.columns}
