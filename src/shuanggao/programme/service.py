"""Use cases of the programme domain beyond the generic registers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.programme import data
from shuanggao.programme.repository import ProgrammeRepository
from shuanggao.programme.schemas import OpinionRead


def get_implementation_opinion(actor: Actor) -> OpinionRead:
    """The shipped summary of 苏政办发〔2025〕28号, with its source (read-only for everyone)."""
    opinion = data.implementation_opinion()
    return OpinionRead(
        title=opinion.title,
        document_number=opinion.document_number,
        issued_date=opinion.issued_date,
        source_url=opinion.source_url,
        markdown=opinion.markdown,
    )


# The baseline fact giving the 2027 target's denominator (``reference/data/programme/
# pair_facts.csv``: 全省, programme_total, 江苏省级以上高新区, 61 家, with its source address).
ZONE_TARGET_FACT = "江苏省级以上高新区"


@dataclass(frozen=True)
class ZoneTarget:
    """How many provincial-and-above zones the 2027 full-coverage target counts, and where that
    figure comes from (the province may correct the fact; the shipped file is the fallback)."""

    total: int
    source_url: str | None


def zone_target(session: Session) -> ZoneTarget:
    found = ProgrammeRepository(session).programme_total(ZONE_TARGET_FACT)
    if found is not None:
        return ZoneTarget(found[0], found[1])
    for fact in data.pair_facts():
        if fact.kind == "programme_total" and fact.name == ZONE_TARGET_FACT and fact.figure:
            return ZoneTarget(int(fact.figure), fact.source_url)
    raise LookupError(f"the shipped programme baseline lacks {ZONE_TARGET_FACT!r}")
