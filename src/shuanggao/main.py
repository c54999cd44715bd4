"""The application factory. Nothing is built at import time: ``create_app(settings)`` builds it."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import uuid
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from shuanggao import __version__, logsafe, production
from shuanggao.config import Settings, get_settings
from shuanggao.db.session import build_engine, make_session_factory
from shuanggao.errors import AppError, ErrorCode
from shuanggao.kit.api import crud_router
from shuanggao.kit.discovery import domain_modules, load_domains
from shuanggao.kit.register import all_registers
from shuanggao.kit.validation import field_errors

log = logging.getLogger("shuanggao")

API_PREFIX = "/api/v1"


def wants_json(request: Request) -> bool:
    if request.url.path.startswith(API_PREFIX):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def render_error(request: Request, status: int, body: dict[str, Any]) -> Response:
    """JSON for the API; HTML pages register ``app.state.render_error_page`` for browsers."""
    html = getattr(request.app.state, "render_error_page", None)
    if html is not None and not wants_json(request):
        response: Response = html(request, status, body)
        return response
    return JSONResponse(body, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        return render_error(request, exc.status, exc.to_dict())

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        fields = field_errors(exc.errors())
        body = {
            "error": str(ErrorCode.VALIDATION),
            "detail": "提交的数据有误，请检查标出的字段。",
            "fields": fields,
        }
        return render_error(request, 422, body)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            body = {"error": str(ErrorCode.NOT_FOUND), "detail": "页面不存在。"}
        elif exc.status_code == 405:
            body = {"error": "method_not_allowed", "detail": "不支持该请求方法。"}
        else:
            body = {"error": "http_error", "detail": str(exc.detail)}
        return render_error(request, exc.status_code, body)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        request_id = uuid.uuid4().hex[:12]
        log.error(
            "unexpected error, request_id=%s path=%s", request_id, request.url.path, exc_info=exc
        )
        body = {
            "error": "internal_error",
            "detail": f"系统内部错误，请联系管理员（编号 {request_id}）。",
            "request_id": request_id,
        }
        return render_error(request, 500, body)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logsafe.install()
    # Settings-only refusals first: never open a database the settings already refuse.
    unsafe = production.settings_refusals(settings)
    if unsafe:
        raise production.UnsafeProduction(unsafe)
    load_domains()
    app = FastAPI(
        title="shuanggao 双高协同平台 API",
        version=__version__,
        # No interactive docs or schema on a production server (ASVS 13.4.5).
        openapi_url=None if settings.is_production else f"{API_PREFIX}/openapi.json",
        docs_url=None if settings.is_production else f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    engine = build_engine(settings.resolved_database_url())
    try:
        production.check(settings, engine)
    except production.UnsafeProduction:
        engine.dispose()
        raise
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)

    install_error_handlers(app)

    api = APIRouter(prefix=API_PREFIX)
    # Custom domain endpoints first, so they win over the generic /{name}/{id} routes.
    for mod in domain_modules("api"):
        router = getattr(mod, "router", None)
        if router is not None:
            api.include_router(router)
    for reg in all_registers():
        api.include_router(crud_router(reg))
    app.include_router(api)

    for mod in domain_modules("pages"):
        router = getattr(mod, "router", None)
        if router is not None:
            app.include_router(router)
    # Domains that wire middleware, static files or state (accounts, web) expose install(app).
    for mod in domain_modules("install"):
        mod.install(app)
    _install_web(app)
    return app


def _install_web(app: FastAPI) -> None:
    if importlib.util.find_spec("shuanggao.web.app") is None:
        return
    web_app = importlib.import_module("shuanggao.web.app")
    web_app.install(app)
