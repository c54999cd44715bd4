"""The application factory. Nothing is built at import time: ``create_app(settings)`` builds it."""

from __future__ import annotations

import importlib
import importlib.util

from fastapi import APIRouter, FastAPI

from shuanggao import __version__, logsafe, production
from shuanggao.bodylimit import BodyLimitMiddleware
from shuanggao.config import Settings, get_settings
from shuanggao.db import sealed
from shuanggao.db.session import build_engine, make_session_factory
from shuanggao.kit.api import crud_router
from shuanggao.kit.discovery import domain_modules, load_domains
from shuanggao.kit.http.errors import API_PREFIX, install_error_handlers
from shuanggao.kit.register import all_registers


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logsafe.install()
    # Settings-only refusals first: never open a database the settings already refuse.
    unsafe = production.settings_refusals(settings)
    if unsafe:
        raise production.UnsafeProduction(unsafe)
    load_domains()
    sealed.configure(settings)
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
    # Inside the accounts middleware (added below): body caps for every route.
    app.add_middleware(BodyLimitMiddleware)
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
