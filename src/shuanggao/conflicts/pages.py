"""我的利益冲突声明: a researcher's own declarations and the ties that flag their matches."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

from shuanggao.conflicts import service
from shuanggao.conflicts.schemas import TieKind
from shuanggao.kit.http.deps import SessionDep
from shuanggao.kit.http.templating import PageActor, render

router = APIRouter(include_in_schema=False)


@router.get("/conflicts/mine", response_class=HTMLResponse)
def my_conflicts_page(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    mine = service.my_conflicts(session, actor)
    return render(
        request,
        "conflicts/mine.html",
        {
            "mine": mine,
            "kind_labels": {k.value: k.label for k in TieKind},
            "breadcrumbs": [("我的利益冲突声明", None)],
        },
    )
