"""``shuanggao serve``: the web UI and API.

Shutdown is bounded: on SIGTERM/SIGINT uvicorn stops accepting connections and gives the
requests in flight ``GRACE_SECONDS`` to finish (without a limit it waits for them, and for open
keep-alive clients, indefinitely). The process then exits even if a worker thread is still
blocked (waiting for a database lock, say): that transaction was never committed, so the
database rolls it back. ``serve`` exits within about ``GRACE_SECONDS + THREAD_WAIT`` seconds of
SIGTERM, also under load (tests/db/test_shutdown.py).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time

import typer

from shuanggao import domains, production
from shuanggao.cli.context import err_console
from shuanggao.config import get_settings
from shuanggao.db.errors import check_connection
from shuanggao.db.session import build_engine


def refuse_unsafe_production() -> None:
    """Under ``SHUANGGAO_ENV=production``, print each unsafe setting and exit 1 before serving."""
    settings = get_settings()
    if not settings.is_production:
        return
    domains.load()
    engine = build_engine(settings.resolved_database_url())
    try:
        found = production.refusals(settings, engine)
    finally:
        engine.dispose()
    if not found:
        return
    err_console.print("生产环境配置不安全，服务拒绝启动：", style="bold red")
    for refusal in found:
        err_console.print(f"  [{refusal.code}] {refusal.reason}", markup=False, highlight=False)
    raise typer.Exit(code=1)


def refuse_unreachable_database() -> None:
    """Refuse to start on a database that does not answer: one line (``shuanggao.cli.main``
    prints ``DatabaseUnavailable``), not a traceback per request."""
    url = get_settings().resolved_database_url()
    engine = build_engine(url)
    try:
        check_connection(engine, url)
    finally:
        engine.dispose()


GRACE_SECONDS = 5
THREAD_WAIT = 2.0
# How long an idle keep-alive connection stays open. uvicorn's default (5 s) closes connections
# that clients (proxies, API scripts, the test suite's request context) reuse a moment later, and
# a request sent just as the server closes its socket ends in "connection reset". A reverse proxy
# in front should keep its own idle timeout below this one (nginx's default is 60 s).
KEEP_ALIVE_SECONDS = 75

log = logging.getLogger("shuanggao.serve")


def _leave_despite_stuck_threads() -> None:
    """Wait briefly for worker threads, then leave without joining those still blocked."""
    deadline = time.monotonic() + THREAD_WAIT
    for thread in threading.enumerate():
        if thread is threading.main_thread() or thread.daemon:
            continue
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [t.name for t in threading.enumerate() if t.is_alive() and not t.daemon]
    stuck = [name for name in stuck if name != threading.main_thread().name]
    if stuck:
        log.warning("exiting with %d worker thread(s) still busy: %s", len(stuck), stuck[:5])
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _start_warm_up() -> None:
    """Open the indexes in a background thread while the server starts (``upkeep.warm_up``).
    Every model is imported and the mappers configured here first, in this thread: the
    warm-up's first query must not configure them half-imported while uvicorn imports the app.
    A daemon thread: it only reads, and a shutdown does not wait for it."""
    from sqlalchemy.orm import configure_mappers

    import shuanggao.web.app  # noqa: F401 - every domain's models, as the app imports them
    from shuanggao.matches.upkeep import warm_up

    configure_mappers()
    threading.Thread(target=warm_up, args=(get_settings(),), name="warm-up", daemon=True).start()


def register(root: typer.Typer) -> None:
    @root.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="监听地址"),
        port: int = typer.Option(8000, help="端口"),
        reload: bool = typer.Option(False, help="代码变更时自动重载（开发用）"),
    ) -> None:
        """启动 Web 界面与 API 服务。"""
        import uvicorn

        refuse_unsafe_production()
        refuse_unreachable_database()

        if reload:
            uvicorn.run(
                "shuanggao.main:create_app",
                factory=True,
                host=host,
                port=port,
                reload=True,
                proxy_headers=False,
            )
            return
        config = uvicorn.Config(
            "shuanggao.main:create_app",
            factory=True,
            host=host,
            port=port,
            proxy_headers=False,
            timeout_graceful_shutdown=GRACE_SECONDS,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
        _start_warm_up()
        try:
            # After a graceful shutdown uvicorn re-raises the signal it caught, so SIGTERM ends
            # the process with the usual status; SIGINT comes back as KeyboardInterrupt.
            uvicorn.Server(config).run()
        finally:
            _leave_despite_stuck_threads()
