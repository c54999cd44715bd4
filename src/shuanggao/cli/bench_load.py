"""``shuanggao bench load``: the load benchmark (many users, loopback only).

Added to the ``bench`` group from its own module (``register`` runs after ``bench`` is loaded).
Without ``--url`` it builds a scratch demo database (SQLite or PostgreSQL), starts
``shuanggao serve`` on a free loopback port, runs the load, checks the written rows, stops the
server with SIGTERM (timing the shutdown) and drops the database.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import typer
from rich.table import Table

from shuanggao.cli._loadbench import run_load
from shuanggao.cli._server import (
    DEMO_SETUP,
    run_cli,
    running_server,
    scratch_database,
    server_env,
)
from shuanggao.cli.context import console, err_console


class Database(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _own_server(
    database: Database, pg_url: str, encoder: str, users: int, seconds: float, seed: int
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="shuanggao-load-") as tmp_name:
        tmp = Path(tmp_name)
        with scratch_database(database.value, tmp, pg_url) as db_url:
            env = server_env(
                db_url,
                tmp / "var",
                {"SHUANGGAO_ENCODER": encoder, "SHUANGGAO_LOGIN_RATE_LIMIT": "100000"},
            )
            started = time.monotonic()
            with console.status("正在准备演示数据库……"):
                for args in DEMO_SETUP:
                    run_cli(args, env)
            setup_s = time.monotonic() - started
            with running_server(env, tmp / "server.log") as server:
                result = asyncio.run(run_load(server.base_url, users, seconds, seed))
                result["shutdown_seconds"] = round(server.stop(limit=60), 1)
            log = (tmp / "server.log").read_text(encoding="utf-8", errors="replace")
            result["server_tracebacks"] = log.count("Traceback (most recent call last)")
            result["setup_seconds"] = round(setup_s, 1)
    result["database"] = database.value
    result["encoder"] = encoder
    return result


def _print(result: dict[str, Any]) -> None:
    title = (
        f"load: {result['users']} users × {result['seconds']} s on {result.get('database', '?')}"
        f" — {result['requests']} requests, {result['requests_per_second']} req/s"
    )
    table = Table(title=title)
    for col in ("kind", "requests", "p50 ms", "p95 ms", "p99 ms", "statuses"):
        table.add_column(col, justify="right" if col not in ("kind", "statuses") else "left")
    for kind, row in result["kinds"].items():
        statuses = " ".join(f"{k}:{v}" for k, v in row["statuses"].items())
        table.add_row(
            kind,
            str(row["requests"]),
            str(row["p50_ms"]),
            str(row["p95_ms"]),
            str(row["p99_ms"]),
            statuses,
        )
    console.print(table)
    writes = result["writes"]
    console.print(
        f"5xx: {result['server_errors']}  timeouts/resets: {result['transport_errors']}  "
        f"writes acknowledged: {writes['acknowledged']}  refused: {writes['refused']}  "
        f"unanswered: {writes['unanswered']}  lost: {writes['lost']}  "
        f"phantom: {writes['phantom']}"
    )
    if "shutdown_seconds" in result:
        console.print(
            f"shutdown after SIGTERM: {result['shutdown_seconds']} s  "
            f"server tracebacks: {result['server_tracebacks']}"
        )


def load(
    users: int = typer.Option(50, "--users", min=1, max=500, help="同时在线的用户数"),
    seconds: float = typer.Option(60.0, "--seconds", min=1, max=3600, help="持续秒数"),
    database: Database = typer.Option(Database.SQLITE, "--database", help="sqlite 或 postgresql"),
    pg_url: str = typer.Option(
        "postgresql://postgres@127.0.0.1:5432/postgres",
        "--pg-url",
        help="PostgreSQL 管理连接（在其上新建并删除临时数据库）",
    ),
    url: str = typer.Option("", "--url", help="改为压测已在本机运行的服务器（须有演示账号）"),
    encoder: str = typer.Option("none", "--encoder", help="自建服务器使用的编码器"),
    seed: int = typer.Option(0, "--seed", help="随机种子"),
    fmt: str = typer.Option("table", "--format", help="table 或 json"),
) -> None:
    """负载测试：多用户混合访问页面、列表、匹配与写入，统计状态码、延迟与写入是否丢失。"""
    if url:
        host = urlsplit(url).hostname or ""
        if host not in LOOPBACK_HOSTS:
            err_console.print("[red]--url 只能指向本机（127.0.0.1 / localhost）。[/red]")
            raise typer.Exit(code=2)
    try:
        if url:
            result = asyncio.run(run_load(url.rstrip("/"), users, seconds, seed))
        else:
            result = _own_server(database, pg_url, encoder, users, seconds, seed)
    except RuntimeError as exc:
        err_console.print(f"[red]负载测试未能进行：{exc}[/red]")
        raise typer.Exit(code=2) from None
    except httpx.HTTPError as exc:
        # Outside the timed requests (signing in, reading the writes back): the server did not
        # answer in time or at all — one line, not a traceback.
        err_console.print(
            f"[red]负载测试未完成：服务器没有应答（{type(exc).__name__}：{exc}），"
            "写入核对未能进行。[/red]"
        )
        raise typer.Exit(code=2) from None
    if fmt == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print(result)
    failed = result["server_errors"] or result["writes"]["lost"] or result["writes"]["phantom"]
    if failed:
        raise typer.Exit(code=1)


def register(root: typer.Typer) -> None:
    from shuanggao.cli.bench import app as bench

    bench.command("load")(load)
