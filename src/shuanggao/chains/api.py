"""Chain endpoints beyond the registers' CRUD: templates and applying one to a zone."""

from typing import Annotated

from fastapi import APIRouter, Query

from shuanggao.chains import service
from shuanggao.chains.registers import industry_chains
from shuanggao.chains.schemas import ApplyTemplate, ChainRead, TemplateRead
from shuanggao.kit.http.deps import ActorDep, SessionDep

router = APIRouter(prefix="/chains", tags=["产业链"])


@router.get("/templates", response_model=list[TemplateRead], summary="产业链模板")
def templates(
    actor: ActorDep,
    source: Annotated[str | None, Query(pattern="^(curated|tree)$")] = None,
    q: Annotated[str | None, Query(max_length=50)] = None,
) -> list[TemplateRead]:
    return [TemplateRead.model_validate(t) for t in service.list_templates(source, q)]


@router.post("/apply", response_model=ChainRead, status_code=201, summary="从模板新建产业链")
def apply(body: ApplyTemplate, session: SessionDep, actor: ActorDep) -> ChainRead:
    chain = service.apply_template(
        session, actor, body.template, body.zone_id, name=body.name, kind=body.kind
    )
    shown = industry_chains.present(chain, actor)
    assert isinstance(shown, ChainRead)
    return shown
