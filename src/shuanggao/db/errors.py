"""A database that cannot be reached, told in one Chinese line: what failed and where.

The CLI and ``serve`` check the connection before they work and, when it fails, print
``DatabaseUnavailable``'s message (the address with any password masked) instead of a driver
traceback. The classification reads the driver's message, the only place psycopg and sqlite3 say
which step failed.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from shuanggao.errors import AppError, ErrorCode

# Seconds a PostgreSQL connection attempt may take before it counts as unreachable.
CONNECT_TIMEOUT_SECONDS = 10


class DatabaseUnavailable(AppError):
    code = ErrorCode.DATABASE_UNAVAILABLE
    status = 503
    message = "数据库暂时无法连接，请稍后重试或联系管理员。"


def masked_url(url: str) -> str:
    """The database address with any password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


# (pattern in the driver's message, the reason in Chinese), first match wins.
_REASONS: tuple[tuple[str, str], ...] = (
    (r"password authentication failed|authentication failed|no password supplied",
     "用户名或密码被拒绝"),
    (r'role "[^"]*" does not exist', "数据库用户不存在"),
    (r'database "[^"]*" does not exist', "数据库不存在"),
    (r"connection refused", "连接被拒绝（数据库服务未启动，或主机、端口有误）"),
    (r"timeout expired|timed out", "连接超时（主机不可达）"),
    (r"no route to host|network is unreachable", "主机不可达"),
    (r"could not translate host name|name or service not known|failed to resolve host|"
     r"nodename nor servname", "主机名无法解析"),
    (r"unable to open database file", "无法打开数据库文件"),
    (r"file is not a database|file is encrypted", "文件不是 SQLite 数据库"),
    (r"permission denied|readonly database", "没有读写权限"),
    (r"too many connections|remaining connection slots", "数据库连接数已满"),
    (r"the database system is starting up|shutting down", "数据库正在启动或关闭"),
)


def reason_of(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).lower()
    for pattern, reason in _REASONS:
        if re.search(pattern, text):
            return reason
    return "连接失败"


def unavailable(url: str, reason: str) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"无法连接数据库 {masked_url(url)}：{reason}。请检查 SHUANGGAO_DATABASE_URL。",
        extra={"database": masked_url(url)},
    )


def check_sqlite_directory(url: str) -> None:
    """Refuse a SQLite address whose directory does not exist (a typo must not create a new,
    empty database somewhere else)."""
    from pathlib import Path

    try:
        database = make_url(url).database
    except ArgumentError:
        return
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    folder = Path(database).expanduser().parent
    if not folder.is_dir():
        raise unavailable(url, f"目录 {folder} 不存在")


def check_connection(engine: Engine, url: str | None = None) -> None:
    """Open and close one connection; a failure raises ``DatabaseUnavailable`` with the reason."""
    address = url or engine.url.render_as_string(hide_password=False)
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        raise unavailable(address, reason_of(exc)) from exc

