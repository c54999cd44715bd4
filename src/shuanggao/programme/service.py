"""Use cases of the programme domain beyond the generic registers."""

from __future__ import annotations

from shuanggao.actor import Actor
from shuanggao.programme import opinion as data
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
