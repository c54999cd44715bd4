"""Database operations' errors: a database that cannot be reached, told in one Chinese line
(what failed and where), and the refusals of backup and restore (``db.backup``).

The CLI and ``serve`` check the connection before they work and, when it fails, print
``DatabaseUnavailable``'s message (the address with any password masked) instead of a driver
traceback. The classification reads the driver's message, the only place psycopg and sqlite3 say
which step failed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from shuanggao.errors import AppError, ErrorCode


class BackupInvalid(AppError):
    """Not a backup of this system, or damaged (the checksum does not match)."""

    code = ErrorCode.BACKUP_INVALID
    status = 422
    message = "备份文件无效或已损坏。"


class BackupMismatch(AppError):
    """The backup does not fit the target (another database type, nothing to back up)."""

    code = ErrorCode.BACKUP_MISMATCH
    status = 409
    message = "该备份不能用于此数据库。"


class BackupRevisionMismatch(BackupMismatch):
    code = ErrorCode.BACKUP_REVISION_MISMATCH
    message = "该备份的数据库结构版本与本程序不一致，拒绝恢复。"


class BackupToolFailed(AppError):
    code = ErrorCode.BACKUP_TOOL_FAILED
    status = 500
    message = "备份工具运行失败。"


class RestoreNotEmpty(AppError):
    code = ErrorCode.RESTORE_NOT_EMPTY
    status = 409
    message = "目标数据库已有数据，拒绝覆盖；确认要覆盖时请加 --force。"


class RestoreVerifyFailed(AppError):
    code = ErrorCode.RESTORE_VERIFY_FAILED
    status = 500
    message = "恢复后的数据与备份清单不一致。"


# Seconds a PostgreSQL connection attempt may take before it counts as unreachable.
CONNECT_TIMEOUT_SECONDS = 10


class DatabaseUnavailable(AppError):
    code = ErrorCode.DATABASE_UNAVAILABLE
    status = 503
    message = "数据库暂时无法连接，请稍后重试或联系管理员。"
    headers: ClassVar[Mapping[str, str]] = {"Retry-After": "5"}


def masked_url(url: str) -> str:
    """The database address with any password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


# Why a connection failed, by stable key (the key goes in the error's ``reason``).
REASONS: dict[str, str] = {
    "credentials": "用户名或密码被拒绝",
    "no_role": "数据库用户不存在",
    "no_database": "数据库不存在",
    "refused": "连接被拒绝（数据库服务未启动，或主机、端口有误）",
    "timeout": "连接超时（主机不可达）",
    "unreachable": "主机不可达",
    "unknown_host": "主机名无法解析",
    "cannot_open": "无法打开数据库文件",
    "not_a_database": "文件不是 SQLite 数据库",
    "permission": "没有读写权限",
    "too_many": "数据库连接数已满",
    "starting": "数据库正在启动或关闭",
    "missing_directory": "目录 {folder} 不存在",
    "other": "连接失败",
}

# (pattern in the driver's message, reason key), first match wins.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"password authentication failed|authentication failed|no password supplied", "credentials"),
    (r'role "[^"]*" does not exist', "no_role"),
    (r'database "[^"]*" does not exist', "no_database"),
    (r"connection refused", "refused"),
    (r"timeout expired|timed out", "timeout"),
    (r"no route to host|network is unreachable", "unreachable"),
    (
        r"could not translate host name|name or service not known|failed to resolve host|"
        r"nodename nor servname",
        "unknown_host",
    ),
    (r"unable to open database file", "cannot_open"),
    (r"file is not a database|file is encrypted", "not_a_database"),
    (r"permission denied|readonly database", "permission"),
    (r"too many connections|remaining connection slots", "too_many"),
    (r"the database system is starting up|shutting down", "starting"),
)


def reason_of(exc: BaseException) -> str:
    """The reason key of a driver error raised while connecting."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    for pattern, key in _PATTERNS:
        if re.search(pattern, text):
            return key
    return "other"


def unavailable(url: str, reason: str, **details: str) -> DatabaseUnavailable:
    address = masked_url(url)
    return DatabaseUnavailable(
        f"无法连接数据库 {address}：{REASONS[reason].format(**details)}。"
        "请检查 SHUANGGAO_DATABASE_URL。",
        extra={"database": address, "reason": reason},
    )


def check_sqlite_directory(url: str) -> None:
    """Refuse a SQLite address whose directory does not exist (a typo must not create a new,
    empty database somewhere else)."""
    try:
        database = make_url(url).database
    except ArgumentError:
        return
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    folder = Path(database).expanduser().parent
    if not folder.is_dir():
        raise unavailable(url, "missing_directory", folder=str(folder))


def check_connection(engine: Engine, url: str | None = None) -> None:
    """Open and close one connection; a failure raises ``DatabaseUnavailable`` with the reason."""
    address = url or engine.url.render_as_string(hide_password=False)
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        raise unavailable(address, reason_of(exc)) from exc
