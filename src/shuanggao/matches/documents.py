"""Rows → matching-library documents and queries.

Only what the engine needs goes into the index: the texts, keywords and codes, and the metadata
that filters use. Names of enterprises are never indexed (an anonymous demand's owner must not
reach the index, its files or a reason); who owns a result is read from the database when it is
shown, through the demand register's masking.
"""

from __future__ import annotations

from dataclasses import replace

from shuanggao_matching import Document, Query

from shuanggao.demand.models import Demand
from shuanggao.supply.models import SupplyItem
from shuanggao.supply.schemas import maturity_level


def _join(*parts: str | None) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def owner_key(university_id: int, owner_name: str | None) -> str | None:
    """The person an item belongs to, unique across universities (for ranking experts)."""
    name = (owner_name or "").strip()
    return f"{university_id}:{name}" if name else None


def supply_document(item: SupplyItem) -> Document:
    return Document(
        id=str(item.id),
        title=item.title,
        body=_join(
            item.abstract,
            item.research_directions,
            item.representative_results,
            item.sharing_terms,
            item.data_description,
        ),
        keywords=tuple(item.keywords or ()),
        codes=(*(item.discipline_codes or ()), *(item.industry_codes or ())),
        kind=item.kind,
        owner=owner_key(item.university_id, item.owner_name),
        metadata={
            "university_id": item.university_id,
            "is_public": bool(item.is_public),
            "maturity_level": maturity_level(item.maturity),
            "transfer_modes": list(item.transfer_modes or ()),
        },
    )


def demand_document(demand: Demand) -> Document:
    return Document(
        id=str(demand.id),
        title=demand.title,
        body=_join(demand.description, demand.technical_indicators),
        keywords=tuple(demand.keywords or ()),
        codes=tuple(c for c in (demand.industry_code,) if c),
        kind="demand",
        owner=None,
        metadata={
            "zone_id": demand.zone_id,
            "enterprise_id": demand.enterprise_id,
            "visibility": demand.visibility,
            "cooperation_mode": demand.cooperation_mode,
            "triage_state": demand.triage_state,
        },
    )


def demand_query(demand: Demand) -> Query:
    return Query.from_document(demand_document(demand))


def supply_query(item: SupplyItem) -> Query:
    return Query.from_document(supply_document(item))


def text_query(text: str) -> Query:
    return Query(text=text.strip())


# A query's text is cut to this many characters (a longer text is matched by its beginning and
# the result says so): scoring cost grows with the query's terms, and a need is stated early.
MAX_QUERY_CHARS = 2000


def capped(query: Query) -> tuple[Query, int | None]:
    """``query`` with its text cut to ``MAX_QUERY_CHARS``, and its original length if cut."""
    if len(query.text) <= MAX_QUERY_CHARS:
        return query, None
    return replace(query, text=query.text[:MAX_QUERY_CHARS]), len(query.text)
