"""``shuanggao serve``: the web UI and API."""

from __future__ import annotations

import typer


def register(root: typer.Typer) -> None:
    @root.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="监听地址"),
        port: int = typer.Option(8000, help="端口"),
        reload: bool = typer.Option(False, help="代码变更时自动重载（开发用）"),
    ) -> None:
        """启动 Web 界面与 API 服务。"""
        import uvicorn

        from shuanggao.config import get_settings
        from shuanggao.db.errors import check_connection
        from shuanggao.db.session import build_engine

        # Refuse to start on a database that does not answer: one line, not a traceback per
        # request (``shuanggao.cli.main`` prints ``DatabaseUnavailable``).
        url = get_settings().resolved_database_url()
        engine = build_engine(url)
        try:
            check_connection(engine, url)
        finally:
            engine.dispose()

        uvicorn.run(
            "shuanggao.main:create_app",
            factory=True,
            host=host,
            port=port,
            reload=reload,
            proxy_headers=False,
        )
