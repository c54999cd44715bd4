"""Chain map pages: a zone's (or a pairing's) chains as a graph, a node's panel, placing a need
on a node, a university's reverse view, the gap reports and the batch map as Excel."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.responses import HTMLResponse, Response

from shuanggao.actor import Role
from shuanggao.chains import service as chains_service
from shuanggao.chains.policy import may_edit_zone
from shuanggao.chains.schemas import ChainKind
from shuanggao.config import Settings
from shuanggao.demand.schemas import TriageState
from shuanggao.demandmap import batch, export, reports, service
from shuanggao.demandmap.schemas import NodeState, Placement
from shuanggao.errors import ValidationFailed
from shuanggao.kit.http.deps import FormDep, SessionDep
from shuanggao.kit.http.flash import add_flash
from shuanggao.kit.http.templating import PageActor, render

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


def _xlsx(data: bytes, name: str) -> Response:
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


def _building(request: Request, exc: service.IndexBuilding) -> HTMLResponse:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return render(
        request,
        "matches/building.html",
        {"progress": exc.progress, "next": here, "breadcrumbs": [("产业需求图谱", None)]},
        status_code=202,
    )


def _int_param(request: Request, name: str) -> int | None:
    raw = (request.query_params.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 2_147_483_647:
        raise ValidationFailed(fields={name: "应为正整数"})
    return int(raw)


def _map_page(
    request: Request,
    session: Session,
    actor: PageActor,
    zone_id: int | None,
    pairing_id: int | None,
) -> HTMLResponse:
    chain_id = _int_param(request, "chain_id")
    try:
        result = service.chain_map(
            session,
            _settings(request),
            actor,
            zone_id,
            pairing_id=pairing_id,
            chain_id=chain_id,
            factory=_factory(request),
        )
    except service.IndexBuilding as exc:
        return _building(request, exc)
    all_chains = chains_service.zone_chains(session, actor, result.zone_id)
    return render(
        request,
        "demandmap/chain_map.html",
        {
            "map": result,
            "map_json": result.model_dump(mode="json"),
            "all_chains": all_chains,
            "chain_id": chain_id,
            "pairing_id": pairing_id,
            "states": list(NodeState),
            "triage_labels": {s.value: s.label for s in TriageState},
            "placement_labels": {p.value: p.label for p in Placement},
            "may_edit": may_edit_zone(actor, result.zone_id),
            "breadcrumbs": [
                ("产业需求图谱", "/chainmap"),
                (result.zone_name, None),
            ],
        },
    )


@router.get("/chainmap", response_class=HTMLResponse)
def chainmap_index(request: Request, session: SessionDep, actor: PageActor) -> Response:
    if actor.role is Role.ZONE_ADMIN and actor.zone_id is not None:
        return RedirectResponse(f"/zones/{actor.zone_id}/chains", status_code=303)
    if actor.university_id is not None:
        return RedirectResponse(f"/universities/{actor.university_id}/chains", status_code=303)
    return render(
        request,
        "demandmap/index.html",
        {"zones": batch.zones_with_chains(session), "breadcrumbs": [("产业需求图谱", None)]},
    )


@router.get("/zones/{zone_id}/chains", response_class=HTMLResponse)
def zone_chains(
    zone_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    return _map_page(request, session, actor, zone_id, None)


@router.get("/pairings/{pairing_id}/chains", response_class=HTMLResponse)
def pairing_chains(
    pairing_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    return _map_page(request, session, actor, None, pairing_id)


@router.get("/chain_nodes/{node_id}/panel", response_class=HTMLResponse)
def node_panel(
    node_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    pairing_id = _int_param(request, "pairing_id")
    try:
        detail = service.node_detail(
            session,
            _settings(request),
            actor,
            node_id,
            pairing_id=pairing_id,
            factory=_factory(request),
        )
    except service.IndexBuilding as exc:
        return _building(request, exc)
    chains = chains_service.zone_chains(session, actor, detail.zone_id)
    template = "demandmap/_node_panel.html"
    if request.headers.get("HX-Request") != "true" and request.query_params.get("partial") != "1":
        template = "demandmap/node.html"
    return render(
        request,
        template,
        {
            "d": detail,
            "chains": chains,
            "may_edit": may_edit_zone(actor, detail.zone_id),
            "triage_labels": {s.value: s.label for s in TriageState},
            "placement_labels": {p.value: p.label for p in Placement},
            "breadcrumbs": [
                ("产业需求图谱", "/chainmap"),
                (
                    detail.chain_name,
                    f"/zones/{detail.zone_id}/chains?chain_id={detail.node.chain_id}",
                ),
                (detail.node.name, None),
            ],
        },
    )


@router.post("/demands/{demand_id}/chain_node", response_class=HTMLResponse)
def place_demand(
    demand_id: Id, request: Request, session: SessionDep, actor: PageActor, form: FormDep
) -> Response:
    raw = str(form.get("node_id") or "").strip()
    version = str(form.get("version") or "").strip()
    if raw and not raw.isdigit():
        raise ValidationFailed(fields={"node_id": "请选择产业链环节"})
    placed = service.confirm_node(
        session,
        actor,
        demand_id,
        int(raw) if raw else None,
        expected_version=int(version) if version.isdigit() else None,
    )
    back = str(form.get("next") or "")
    if not back.startswith("/") or back.startswith("//"):
        back = f"/r/demands/{demand_id}"
    response = RedirectResponse(back, status_code=303)
    text = "已确认需求所在产业链环节。" if placed.chain_node_id else "已取消需求的产业链环节。"
    add_flash(request, response, text)
    return response


@router.post("/zones/{zone_id}/chains/proposals", response_class=HTMLResponse)
def propose(zone_id: Id, request: Request, session: SessionDep, actor: PageActor) -> Response:
    run = service.propose_nodes(session, _settings(request), actor, zone_id)
    response = RedirectResponse(f"/zones/{zone_id}/chains", status_code=303)
    add_flash(
        request, response, f"已为 {run.proposed} 条需求推荐产业链环节（{run.changed} 条有变化）。"
    )
    return response


@router.get("/zones/{zone_id}/gaps.xlsx")
def zone_gaps_export(
    zone_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> Response:
    rows = reports.zone_gaps(session, _settings(request), actor, zone_id)
    zone_name = service.scope(session, actor, zone_id, None)[0].name
    return _xlsx(export.zone_gaps_workbook(zone_name, rows), f"缺口报告_{zone_name}.xlsx")


@router.get("/universities/{university_id}/chains", response_class=HTMLResponse)
def reverse_page(
    university_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> HTMLResponse:
    view = reports.reverse_view(session, _settings(request), actor, university_id)
    gaps = reports.university_gaps(session, _settings(request), actor, university_id)
    return render(
        request,
        "demandmap/reverse.html",
        {
            "v": view,
            "gaps": gaps,
            "breadcrumbs": [("产业需求图谱", "/chainmap"), (view.university_name, None)],
        },
    )


@router.get("/universities/{university_id}/gaps.xlsx")
def university_gaps_export(
    university_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> Response:
    gaps = reports.university_gaps(session, _settings(request), actor, university_id)
    return _xlsx(export.university_gaps_workbook(gaps), f"学科缺口_{gaps.university_name}.xlsx")


@router.get("/zones/{zone_id}/batch_map.xlsx")
def zone_batch_map(
    zone_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> Response:
    result = batch.batch_map(session, _settings(request), actor, zone_id=zone_id)
    return _xlsx(export.batch_workbook(result), f"双向匹配_{result.scope_name}.xlsx")


@router.get("/universities/{university_id}/batch_map.xlsx")
def university_batch_map(
    university_id: Id, request: Request, session: SessionDep, actor: PageActor
) -> Response:
    result = batch.batch_map(session, _settings(request), actor, university_id=university_id)
    return _xlsx(export.batch_workbook(result), f"双向匹配_{result.scope_name}.xlsx")


@router.get("/chains/templates", response_class=HTMLResponse)
def templates_page(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    q = (request.query_params.get("q") or "").strip()[:50]
    return render(
        request,
        "demandmap/templates.html",
        {
            "templates": chains_service.list_templates(None, q or None),
            "q": q,
            "kinds": list(ChainKind),
            "zone_id": actor.zone_id,
            "breadcrumbs": [("产业需求图谱", "/chainmap"), ("产业链模板", None)],
        },
    )


@router.post("/chains/apply", response_class=HTMLResponse)
def apply_template(
    request: Request, session: SessionDep, actor: PageActor, form: FormDep
) -> Response:
    raw_zone = str(form.get("zone_id") or actor.zone_id or "")
    if not raw_zone.isdigit():
        raise ValidationFailed(fields={"zone_id": "请选择高新区"})
    name = str(form.get("name") or "").strip() or None
    kind = ChainKind(ChainKind.parse(str(form.get("kind") or "leading")))
    chain = chains_service.apply_template(
        session, actor, str(form.get("template") or ""), int(raw_zone), name=name, kind=kind
    )
    service.propose_nodes(session, _settings(request), actor, chain.zone_id)
    response = RedirectResponse(
        f"/zones/{chain.zone_id}/chains?chain_id={chain.id}", status_code=303
    )
    add_flash(request, response, f"已从模板新建产业链“{chain.name}”，并为本区需求推荐了所在环节。")
    return response
