"""The application factory. Nothing is built at import time: ``create_app(settings)`` builds it."""

from __future__ import annotations

from fastapi import FastAPI

from shuanggao import __version__, domains, logsafe, production
from shuanggao.config import Settings, get_settings
from shuanggao.db import sealed
from shuanggao.db.session import build_engine, make_session_factory
from shuanggao.kit.http.errors import API_PREFIX, install_error_handlers
from shuanggao.web import app as web_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logsafe.install()
    # Settings-only refusals first: never open a database the settings already refuse.
    unsafe = production.settings_refusals(settings)
    if unsafe:
        raise production.UnsafeProduction(unsafe)
    domains.load()
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

    web_app.install(app)  # every router, page and middleware: listed in web/routes.py
    return app
