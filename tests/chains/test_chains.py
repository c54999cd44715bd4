"""Industry chains: templates from the 战略性新兴产业 catalog, applying one to a zone through the
API, node rules (codes, categories, enterprises of the zone), tenancy of writes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit.models import AuditEvent
from shuanggao.chains import catalog
from shuanggao.chains.models import ChainNode, IndustryChain
from tests.conftest import ClientFor
from tests.factories import create_enterprise, create_zone

STORAGE_NODES = ["正负极材料", "电芯", "电池管理系统", "储能变流器", "系统集成", "运维与安全"]


def _zone_admin(zone_id: int) -> Actor:
    return Actor(role=Role.ZONE_ADMIN, user_id=30, username="za", zone_id=zone_id)


def test_templates_come_from_the_catalog() -> None:
    storage = catalog.get_template("新型储能")
    assert storage is not None and storage.source == "curated"
    assert [n.name for n in storage.nodes] == STORAGE_NODES
    cells = storage.nodes[1]
    assert cells.industry_codes == ["C3841", "C3849"]
    # Keywords: the node's words, then the 重点产品 of its codes that name one of them.
    assert "锂离子电池单体、模块及系统" in cells.keywords
    tree = catalog.get_template("tree:节能环保产业 > 先进环保产业")
    assert tree is not None and tree.source == "tree"
    assert len(tree.nodes) == 7
    assert all(len(n.emerging_paths) == 1 and n.industry_codes for n in tree.nodes)
    # Every category a template names is a category of the catalog.
    for template in catalog.templates():
        for node in template.nodes:
            assert all(catalog.is_emerging_path(p) for p in node.emerging_paths), node.name


def test_templates_api_filters(client_for: ClientFor) -> None:
    client = client_for(Actor(role=Role.STUDENT, user_id=9, username="s", university_id=1))
    resp = client.get("/api/v1/chains/templates", params={"q": "电池管理系统"})
    assert resp.status_code == 200
    assert [t["key"] for t in resp.json()] == ["新型储能"]
    curated = client.get("/api/v1/chains/templates", params={"source": "curated"}).json()
    assert {t["key"] for t in curated} == {"新型储能", "集成电路"}
    assert client.get("/api/v1/chains/templates", params={"source": "x"}).status_code == 422


def test_zone_admin_applies_a_template(session: Session, client_for: ClientFor) -> None:
    zone = create_zone(session)
    client = client_for(_zone_admin(zone.id))
    resp = client.post("/api/v1/chains/apply", json={"template": "新型储能", "zone_id": zone.id})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["name"] == "新型储能" and body["zone_id"] == zone.id
    assert body["node_names"] == STORAGE_NODES
    nodes = client.get("/api/v1/chain_nodes", params={"chain_id": body["id"]}).json()
    assert [n["name"] for n in nodes["items"]] == STORAGE_NODES
    assert [n["position"] for n in nodes["items"]] == list(range(6))
    events = session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity.in_(["industry_chains", "chain_nodes"]))
    )
    assert events == 7


def test_other_zone_cannot_apply_or_edit(session: Session, client_for: ClientFor) -> None:
    mine, other = create_zone(session), create_zone(session)
    client = client_for(_zone_admin(other.id))
    resp = client.post("/api/v1/chains/apply", json={"template": "新型储能", "zone_id": mine.id})
    assert resp.status_code == 403
    assert session.scalar(select(func.count()).select_from(IndustryChain)) == 0
    unknown = client.post("/api/v1/chains/apply", json={"template": "没有", "zone_id": other.id})
    assert unknown.status_code == 404
    owner = client_for(_zone_admin(mine.id))
    chain = owner.post(
        "/api/v1/chains/apply", json={"template": "集成电路", "zone_id": mine.id}
    ).json()
    node = owner.get("/api/v1/chain_nodes", params={"chain_id": chain["id"]}).json()["items"][0]
    client = client_for(_zone_admin(other.id))  # one signed-in actor at a time
    denied = client.patch(
        f"/api/v1/chain_nodes/{node['id']}", json={"name": "改名", "version": node["version"]}
    )
    assert denied.status_code == 403
    assert session.get(ChainNode, node["id"]).name == node["name"]  # type: ignore[union-attr]
    # Another tenant reads the chain but not the enterprises on its nodes.
    assert client.get(f"/api/v1/chain_nodes/{node['id']}").json()["enterprise_ids"] is None


def test_node_rules(session: Session, client_for: ClientFor) -> None:
    zone, other = create_zone(session), create_zone(session)
    mine = create_enterprise(session, zone)
    foreign = create_enterprise(session, other)
    client = client_for(_zone_admin(zone.id))
    chain = client.post(
        "/api/v1/industry_chains", json={"name": "人工智能", "zone_id": zone.id}
    ).json()
    base = {"chain_id": chain["id"], "name": "算力"}
    bad_code = client.post("/api/v1/chain_nodes", json={**base, "industry_codes": ["C9999"]})
    assert bad_code.status_code == 422 and "industry_codes" in bad_code.json()["fields"]
    bad_path = client.post(
        "/api/v1/chain_nodes", json={**base, "emerging_paths": ["新能源产业 > 不存在"]}
    )
    assert bad_path.status_code == 422 and "emerging_paths" in bad_path.json()["fields"]
    wrong_firm = client.post(
        "/api/v1/chain_nodes", json={**base, "enterprise_ids": [mine.id, foreign.id]}
    )
    assert wrong_firm.status_code == 422
    assert wrong_firm.json()["fields"] == {"enterprise_ids": "第 2 家企业不在该产业链所属高新区"}
    ok = client.post(
        "/api/v1/chain_nodes",
        json={
            **base,
            "industry_codes": ["i6520"],
            "emerging_paths": ["新一代信息技术产业 >人工智能"],
            "enterprise_ids": [mine.id],
        },
    )
    assert ok.status_code == 201, ok.text
    node = ok.json()
    assert node["zone_id"] == zone.id
    assert node["industry_codes"] == ["I6520"]
    assert node["emerging_paths"] == ["新一代信息技术产业 > 人工智能"]
    assert node["enterprise_names"] == [mine.name]
    assert session.scalar(select(func.count()).select_from(ChainNode)) == 1
