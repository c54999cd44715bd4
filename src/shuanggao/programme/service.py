"""Use cases of the programme domain beyond the generic registers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.programme import data
from shuanggao.programme.enums import PolicyListKind
from shuanggao.programme.models import PolicyItem
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


# The role that acts for each kind of organisation: an item for 高校 is shown to the university's
# administrators; one for 学生 to students (listed by role).
ORG_ROLE = {
    "zone": Role.ZONE_ADMIN,
    "university": Role.UNIVERSITY_ADMIN,
    "enterprise": Role.ENTERPRISE_USER,
}


def applies_to_actor(item: PolicyItem, actor: Actor) -> bool:
    """Is ``item`` for ``actor``: their role is listed, or they act for an organisation kind the
    item lists. The province and auditors keep the lists, so every item is for them."""
    if actor.sees_everything:
        return True
    if actor.role.value in (item.audience_roles or []):
        return True
    return any(ORG_ROLE.get(kind) is actor.role for kind in item.org_kinds or [])


def items_for(
    session: Session,
    actor: Actor,
    *,
    list_kind: PolicyListKind | None = None,
    query: str | None = None,
) -> list[PolicyItem]:
    """The policy and reform items that apply to ``actor`` (reform list first, then by number),
    optionally of one list and matching ``query`` (title, summary, conditions, who it is for,
    issuer). The lists are public: this chooses what to put in front of whom."""
    words = (query or "").split()
    out: list[PolicyItem] = []
    for item in ProgrammeRepository(session).all_policy_items():
        if list_kind is not None and item.list_kind != list_kind.value:
            continue
        if not applies_to_actor(item, actor):
            continue
        text = " ".join(
            t or ""
            for t in (item.title, item.summary, item.conditions, item.applies_to, item.issuer)
        )
        if all(word in text for word in words):
            out.append(item)
    reform_first = {PolicyListKind.REFORM_GUIDE.value: 0, PolicyListKind.POLICY_GUIDE.value: 1}
    out.sort(key=lambda i: (reform_first.get(i.list_kind, 9), i.no))
    return out
