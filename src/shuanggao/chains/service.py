"""Use cases of industry chains beyond the registers' CRUD: templates, applying one to a zone,
a zone's chains with their nodes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.chains import catalog
from shuanggao.chains import repository as repo
from shuanggao.chains.catalog import ChainTemplate
from shuanggao.chains.errors import TemplateNotFound
from shuanggao.chains.models import IndustryChain
from shuanggao.chains.policy import may_edit_zone
from shuanggao.chains.registers import chain_nodes, industry_chains
from shuanggao.chains.schemas import ChainCreate, ChainKind, NodeCreate
from shuanggao.errors import Forbidden, NotFound
from shuanggao.kit import service as kit
from shuanggao.zones import repository as zone_repo


def list_templates(source: str | None = None, q: str | None = None) -> list[ChainTemplate]:
    """The templates, optionally only ``curated``/``tree`` ones or those naming ``q``."""
    found = list(catalog.templates())
    if source:
        found = [t for t in found if t.source == source]
    if q and q.strip():
        text = q.strip()
        found = [t for t in found if text in t.name or any(text in n.name for n in t.nodes)]
    return found


def get_template(key: str) -> ChainTemplate:
    found = catalog.get_template(key)
    if found is None:
        raise TemplateNotFound()
    return found


def apply_template(
    session: Session,
    actor: Actor,
    key: str,
    zone_id: int,
    *,
    name: str | None = None,
    kind: ChainKind = ChainKind.LEADING,
    is_demo: bool = False,
) -> IndustryChain:
    """A new chain of ``zone_id`` with the template's nodes (each write audited by the kit)."""
    if not zone_repo.zone_exists(session, zone_id):
        raise NotFound()
    if not may_edit_zone(actor, zone_id):
        raise Forbidden("您只能编辑本高新区的产业链。")
    template = get_template(key)
    chain = kit.create_record(
        session,
        actor,
        industry_chains,
        ChainCreate(
            name=name or template.name,
            zone_id=zone_id,
            kind=kind,
            description=template.description,
            template=template.key,
        ),
        is_demo=is_demo,
    )
    for position, node in enumerate(template.nodes):
        kit.create_record(
            session,
            actor,
            chain_nodes,
            NodeCreate(
                chain_id=chain.id,
                position=position,
                name=node.name,
                industry_codes=node.industry_codes,
                emerging_paths=node.emerging_paths,
                keywords=node.keywords,
            ),
            is_demo=is_demo,
        )
    session.expire(chain, ["nodes"])
    found = repo.chain_with_nodes(session, chain.id)
    assert found is not None
    return found


def zone_chains(session: Session, actor: Actor, zone_id: int) -> list[IndustryChain]:
    """A zone's chains with their nodes (every signed-in user reads chains)."""
    if not zone_repo.zone_exists(session, zone_id):
        raise NotFound()
    return repo.chains_of_zone(session, zone_id)


def get_chain(session: Session, actor: Actor, chain_id: int) -> IndustryChain:
    found = repo.chain_with_nodes(session, chain_id)
    if found is None:
        raise NotFound()
    return found
