"""THE permission table of the tenant-isolation matrix: one entry per register.

Two tenant groups, A and B, each a zone, a university paired with it, an enterprise in the zone
and a researcher account. Every role acts as a member of group A. For each register the table
gives a factory (how to make a row that *belongs to* a group) and, per role, what that role may
do with rows of its own group (A) and of the other group (B):

- ``ALL``: every row (A and B); ``OWN``: A's rows only (B's answer 404 and are never listed);
  ``NONE``: no row.
- ``read`` governs GET/list; ``write`` PATCH (and POST for another tenant); ``delete`` DELETE
  (defaults to ``write``).

Entries say ``access=derive`` for registers whose policy is a plain ``PublicRead`` or
``TenantScoped``: the expectations then follow from the policy's declared shape (which tenant
kinds have read rules, owner fields, writer roles) combined with the product rules below, so a
new register of that kind only needs a factory. A register with no entry at all, or a custom
policy without explicit expectations, fails the matrix loudly.

Product rules applied everywhere (issue 4): 省级管理员 reads and writes everything; 审计员 reads
everything and writes nothing; the other roles only ever touch their own tenant's rows; only the
administrators of a tenant (and 企业用户 for their enterprise) write — 科研人员/学生/导师 never
write a register unless the table says so (supply items a researcher owns).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import ROLE_TENANT, Role
from shuanggao.kit.policy import Policy, PublicRead, TenantScoped
from tests import factories as f


class Access(Enum):
    ALL = "all"
    OWN = "own"
    NONE = "none"


ALL, OWN, NONE = Access.ALL, Access.OWN, Access.NONE


@dataclass(frozen=True)
class Cell:
    read: Access
    write: Access = NONE
    delete: Access | None = None

    @property
    def delete_access(self) -> Access:
        return self.write if self.delete is None else self.delete


@dataclass
class Group:
    """One tenant group: the rows a group-A actor owns, or a group-B stranger owns."""

    zone: Any
    university: Any
    enterprise: Any
    pairing: Any
    researcher_id: int


Factory = Callable[[Session, Group], Any]
Expectations = dict[Role, Cell]

# The administrator role of each tenant kind: the only role that writes its tenant's rows.
TENANT_ADMIN = {
    "zone": Role.ZONE_ADMIN,
    "university": Role.UNIVERSITY_ADMIN,
    "enterprise": Role.ENTERPRISE_USER,
}


def derive(policy: Policy) -> Expectations:
    """Expectations for a plain PublicRead / TenantScoped policy (see the module docstring)."""
    out: Expectations = {
        Role.PROVINCE_ADMIN: Cell(ALL, ALL),
        Role.AUDITOR: Cell(ALL, NONE),
        Role.SECURITY_ADMIN: Cell(NONE),  # 三权分立: no programme data at all
    }
    tenant_roles = [r for r in Role if ROLE_TENANT[r] is not None]
    if type(policy) is PublicRead:
        owner_kind = policy.owner_tenant[0] if policy.owner_tenant else None
        for role in tenant_roles:
            writes = owner_kind is not None and role is TENANT_ADMIN[owner_kind]
            out[role] = Cell(ALL, OWN if writes else NONE, NONE)
        return out
    if type(policy) is TenantScoped:
        for role in tenant_roles:
            kind = ROLE_TENANT[role]
            assert kind is not None
            read = OWN if kind in policy.rules else NONE
            writes = (
                role in policy.writers
                and role is TENANT_ADMIN[kind]
                and kind in policy.owner_fields
            )
            out[role] = Cell(read, OWN if writes else NONE)
        return out
    raise LookupError(f"custom policy {type(policy).__name__}: give explicit expectations")


def table(**cells: Cell) -> Expectations:
    """Explicit expectations; roles not named read and write nothing."""
    names = {
        "P": Role.PROVINCE_ADMIN,
        "Z": Role.ZONE_ADMIN,
        "U": Role.UNIVERSITY_ADMIN,
        "E": Role.ENTERPRISE_USER,
        "R": Role.RESEARCHER,
        "S": Role.STUDENT,
        "M": Role.MENTOR,
        "A": Role.AUDITOR,
    }
    out = {role: Cell(NONE) for role in Role}
    for key, cell in cells.items():
        for letter in key:
            out[names[letter]] = cell
    return out


@dataclass(frozen=True)
class Spec:
    make: Factory
    access: Expectations | Callable[[Policy], Expectations]
    note: str = ""
    # Statuses a role gets when it POSTs a row for another tenant. Some registers name the
    # tenant only through a parent (a fund, a pairing) and refuse a foreign parent in their
    # ``validate`` with a field error (422) rather than in the policy (403).
    foreign_create: tuple[int, ...] = (403, 404)


def _fund(session: Session, g: Group) -> Any:
    return f.create_conversion_fund(session, g.zone, pairing_id=g.pairing.id)


def _zone_report(session: Session, g: Group) -> Any:
    return f.create_report(session, scope="pairing", zone_id=g.zone.id, pairing_id=g.pairing.id)


PERMISSIONS: dict[str, Spec] = {
    "zones": Spec(lambda s, g: g.zone, derive),
    "universities": Spec(lambda s, g: g.university, derive),
    "programme_facts": Spec(lambda s, g: f.create_programme_fact(s, g.zone), derive),
    "policy_items": Spec(lambda s, g: f.create_policy_item(s), derive),
    "industries": Spec(
        lambda s, g: f.create_industry(s),
        table(PZUERSMA=Cell(ALL, NONE)),
        "national standard: read-only through the API",
    ),
    "disciplines": Spec(lambda s, g: f.create_discipline(s), table(PZUERSMA=Cell(ALL, NONE))),
    "enterprises": Spec(
        lambda s, g: g.enterprise,
        table(P=Cell(ALL, ALL), A=Cell(ALL), ZE=Cell(OWN, OWN), URSM=Cell(OWN)),
        "universities see the enterprises of the zones they are paired with",
    ),
    "enterprise_services": Spec(
        lambda s, g: f.create_enterprise_service(s, g.enterprise, g.university), derive
    ),
    "conversion_funds": Spec(_fund, derive),
    "fund_investments": Spec(
        lambda s, g: f.create_fund_investment(s, _fund(s, g)),
        table(P=Cell(ALL, ALL), A=Cell(ALL), Z=Cell(OWN, OWN), U=Cell(OWN)),
        "an investment belongs to its fund's zone; a foreign fund is refused on fund_id",
        foreign_create=(403, 404, 422),
    ),
    "fundings": Spec(lambda s, g: f.create_funding(s, g.zone, g.university), derive),
    "pairings": Spec(
        lambda s, g: g.pairing,
        table(P=Cell(ALL, ALL), A=Cell(ALL), Z=Cell(OWN, OWN, NONE), URSME=Cell(OWN)),
        "a zone edits its pairing's details; only the province removes a pairing",
    ),
    "pilot_elements": Spec(
        lambda s, g: f.create_pilot_element(s, g.pairing),
        table(P=Cell(ALL, ALL), A=Cell(ALL), ZU=Cell(OWN, OWN), ERSM=Cell(OWN)),
        "五个一 items follow their pairing; zone and member universities maintain them; "
        "a foreign pairing is refused on pairing_id",
        foreign_create=(403, 404, 422),
    ),
    "industry_chains": Spec(
        lambda s, g: f.create_industry_chain(s, g.zone),
        table(P=Cell(ALL, ALL), A=Cell(ALL), Z=Cell(ALL, OWN), UERSM=Cell(ALL)),
        "every user reads a zone's chains; its administrator edits them",
    ),
    "chain_nodes": Spec(
        lambda s, g: f.create_chain_node(s, f.create_industry_chain(s, g.zone), [g.enterprise]),
        table(P=Cell(ALL, ALL), A=Cell(ALL), Z=Cell(ALL, OWN), UERSM=Cell(ALL)),
        "nodes follow their chain's zone; other tenants see them without the enterprises",
        foreign_create=(403, 404, 422),
    ),
    "platforms": Spec(
        lambda s, g: f.create_platform(s, g.zone, [g.university]),
        table(P=Cell(ALL, ALL), A=Cell(ALL), ZU=Cell(OWN, OWN), ERSM=Cell(OWN)),
        "co-building universities maintain their platforms",
    ),
    "projects": Spec(
        lambda s, g: f.create_project(s, g.zone, g.university, [g.enterprise]), derive
    ),
    "residents": Spec(
        lambda s, g: f.create_resident(s, g.zone, g.university),
        table(P=Cell(ALL, ALL), A=Cell(ALL), ZU=Cell(OWN, OWN), RM=Cell(OWN)),
        "names are personal: a student reads only their own records and their practice "
        "project's people (none here); counts stay public through the figures",
    ),
    "reports": Spec(
        _zone_report,
        table(P=Cell(ALL, ALL), A=Cell(ALL), ZU=Cell(OWN, OWN)),
        "a pairing-level draft report: its zone and its member universities draft it",
    ),
    "report_periods": Spec(lambda s, g: f.create_report_period(s), derive),
    "report_indicators": Spec(lambda s, g: f.create_report_indicator(s), derive),
    "supply_items": Spec(
        lambda s, g: f.create_supply_item(
            s, g.university, is_public=False, owner_user_id=g.researcher_id
        ),
        table(P=Cell(ALL, ALL), A=Cell(ALL), UR=Cell(OWN, OWN), SM=Cell(OWN)),
        "a non-public item owned by group A's researcher",
    ),
    "demands": Spec(
        lambda s, g: f.create_demand(s, g.enterprise, visibility="admins"),
        table(P=Cell(ALL, ALL), A=Cell(ALL), ZE=Cell(OWN, OWN)),
        "仅管理员 visibility: the zone, the enterprise, province and auditors only",
    ),
    "consortia": Spec(
        lambda s, g: f.create_consortium(s, g.zone, g.enterprise, [g.university]),
        table(P=Cell(ALL, ALL), A=Cell(ALL), ZU=Cell(OWN, OWN), ERSM=Cell(OWN)),
        "the zone registers it; member universities maintain it; the lead enterprise reads it",
    ),
    "conflict_declarations": Spec(
        lambda s, g: f.create_conflict_declaration(
            s,
            user_id=g.researcher_id,
            university_id=g.university.id,
            enterprise_id=g.enterprise.id,
        ),
        table(P=Cell(ALL, ALL), A=Cell(ALL), U=Cell(OWN), R=Cell(OWN, OWN)),
        "personal ties: the researcher keeps their own; their university reads them. The "
        "researcher of a declaration never changes; an enterprise the actor cannot see is "
        "refused on enterprise_id as if it did not exist",
        foreign_create=(403, 404, 422),
    ),
}


def expectations(name: str, policy: Policy) -> Expectations:
    spec = PERMISSIONS.get(name)
    if spec is None:
        raise LookupError(
            f"register {name!r} has no entry in tests/security/permissions.py PERMISSIONS: "
            "add a factory and its expectations (or access=derive for PublicRead/TenantScoped)"
        )
    return spec.access(policy) if callable(spec.access) else spec.access
