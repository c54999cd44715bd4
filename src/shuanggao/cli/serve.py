"""``shuanggao serve``: the web UI and API."""

from __future__ import annotations

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

        uvicorn.run(
            "shuanggao.main:create_app",
            factory=True,
            host=host,
            port=port,
            reload=reload,
            proxy_headers=False,
        )
