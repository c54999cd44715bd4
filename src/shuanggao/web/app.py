"""Mount the app's web surface (``web/routes.py``): routers, installers, static files, HTML error
pages, and the page hooks, navigation and home panels the pages read from ``app.state``.

``shuanggao.main.create_app`` calls ``install(app)`` once, after the error handlers.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from shuanggao.errors import ErrorCode
from shuanggao.kit.api import crud_router
from shuanggao.kit.http.errors import API_PREFIX
from shuanggao.kit.http.templating import STATIC_DIR, environment, render
from shuanggao.kit.register import all_registers
from shuanggao.web import routes

log = logging.getLogger("shuanggao.web")

LOGIN_PATH = "/login"

ERROR_TITLES: dict[int, str] = {
    400: "请求无效",
    401: "请先登录",
    403: "没有权限",
    404: "页面不存在",
    405: "请求方法不支持",
    409: "操作冲突",
    413: "文件过大",
    422: "提交的数据有误",
    429: "操作过于频繁",
    500: "系统内部错误",
}


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def login_redirect(request: Request) -> Response:
    """Send a browser that is not signed in to the sign-in page, remembering where it was going."""
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    location = LOGIN_PATH
    if request.method == "GET" and target not in ("/", LOGIN_PATH):
        location += "?next=" + quote(target, safe="/")
    if is_htmx(request):
        # A partial request cannot follow a redirect into a whole page: tell htmx to navigate.
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def render_error_page(request: Request, status: int, body: dict[str, Any]) -> Response:
    """The HTML error page (installed as ``app.state.render_error_page``)."""
    if status == 401 or body.get("error") == str(ErrorCode.UNAUTHENTICATED):
        return login_redirect(request)
    context = {
        "status": status,
        "title": ERROR_TITLES.get(status, "出错了"),
        "detail": body.get("detail") or ERROR_TITLES.get(status, "出错了"),
        "code": body.get("error", ""),
        "fields": body.get("fields") or {},
        "request_id": body.get("request_id"),
    }
    template = "errors/error_partial.html" if is_htmx(request) else "errors/error.html"
    headers: dict[str, str] = {}
    if is_htmx(request):
        # Show the message in the page's alert area rather than swapping it into a table.
        headers = {"HX-Retarget": "#htmx-alerts", "HX-Reswap": "innerHTML"}
    try:
        return render(request, template, context, status_code=status, headers=headers)
    except Exception:  # the error page itself must never fail: fall back to plain text
        log.exception("rendering the error page failed, path=%s", request.url.path)
        return PlainTextResponse(str(context["detail"]), status_code=status)


def install(app: FastAPI) -> None:
    environment()  # build (and validate the loader paths of) the environment once at start-up
    api = APIRouter(prefix=API_PREFIX)
    for router in routes.API_ROUTERS:
        api.include_router(router)
    for reg in all_registers():
        api.include_router(crud_router(reg))
    app.include_router(api)
    for router in routes.PAGE_ROUTERS:
        app.include_router(router)
    for install_one in routes.INSTALLERS:
        install_one(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.state.render_error_page = render_error_page
    app.state.page_hooks = routes.PAGE_HOOKS
    app.state.nav_items = routes.NAV_ITEMS
    app.state.home_panels = routes.HOME_PANELS
