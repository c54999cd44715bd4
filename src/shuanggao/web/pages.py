"""The generic pages: the home page per role and the register pages (list, detail, forms)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

from shuanggao.web.deps import SessionDep
from shuanggao.web.templating import PageActor, render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, actor: PageActor) -> HTMLResponse:
    return render(request, "pages/home.html", {"panels": []})
