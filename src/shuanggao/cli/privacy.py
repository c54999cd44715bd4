"""``shuanggao privacy``: retention of personal information and deletion on request."""

from __future__ import annotations

import typer

from shuanggao.accounts import repository as accounts_repo
from shuanggao.accounts.core import normalise_username
from shuanggao.cli.context import cli_actor, console, err_console, open_session, progress_bar
from shuanggao.config import get_settings
from shuanggao.privacy import rehash, retention, service

app = typer.Typer(
    name="privacy", help="个人信息：保存期限届满匿名化、按申请匿名化账号。", no_args_is_help=True
)


@app.command("retention")
def retention_cmd(
    dry_run: bool = typer.Option(False, "--dry-run", help="只统计，不修改"),
    days: int = typer.Option(
        0, "--days", help="保存期限（天）；默认取 SHUANGGAO_RETENTION_RESIDENT_DAYS"
    ),
    practice_days: int = typer.Option(
        0,
        "--practice-days",
        help="实践项目保存期限（天，自认定起）；默认取 SHUANGGAO_RETENTION_PRACTICE_DAYS",
    ),
) -> None:
    """匿名化离区时间早于保存期限的驻区师生记录和认定早于保存期限的实践项目（保留记录与统计数字）。"""
    period = days or get_settings().retention_resident_days
    practice = practice_days or get_settings().retention_practice_days
    if period < 1 or practice < 1:
        console.print("保存期限须至少为 1 天。", markup=False, highlight=False)
        raise typer.Exit(code=2)
    with open_session(write=not dry_run) as session:
        report = retention.run(
            session, cli_actor(), period, dry_run=dry_run, practice_days=practice
        )
    verb = "将匿名化" if report.dry_run else "已匿名化"
    console.print(
        f"{verb}驻区师生记录 {report.residents} 条（离区日期早于 {report.cutoff}）。",
        markup=False,
        highlight=False,
    )
    console.print(
        f"{verb}实践项目 {report.practice_projects} 项（认定日期早于 {report.practice_cutoff}）。",
        markup=False,
        highlight=False,
    )


@app.command("anonymise")
def anonymise_cmd(
    username: str = typer.Argument(..., help="要匿名化的账号用户名"),
    reason: str = typer.Option("本人申请删除", "--reason", help="原因（写入审计日志）"),
) -> None:
    """按本人申请匿名化一个账号的个人信息（账号注销，统计与审计链保留）。"""
    settings = get_settings()
    with open_session(write=True) as session:
        user = accounts_repo.user_by_username(session, normalise_username(username))
        if user is None:
            console.print(f"找不到用户名为“{username}”的账号。", markup=False, highlight=False)
            raise typer.Exit(code=1)
        alias = service.anonymise(
            session, cli_actor(), user, settings.resolved_secret_key(), reason[:100]
        )
    console.print(f"已匿名化，审计日志中显示为 {alias}。", markup=False, highlight=False)


@app.command("rehash-phones")
def rehash_phones_cmd(
    batch_size: int = typer.Option(
        rehash.BATCH_SIZE, "--batch-size", min=1, max=100_000, help="每批读取的记录数"
    ),
) -> None:
    """为早于电话检索哈希写入的记录补算哈希（可重复执行，已正确的记录不改动）。"""
    with open_session(write=True) as session, progress_bar(err_console) as bar:
        task = bar.add_task("补算电话检索哈希", total=rehash.total(session))
        changed = rehash.rehash_phones(
            session,
            cli_actor(),
            batch_size=batch_size,
            on_batch=lambda n: bar.advance(task, n),
        )
    parts = "，".join(f"{table} {n} 条" for table, n in changed.items())
    console.print(
        f"已补算电话检索哈希 {sum(changed.values())} 条（{parts}）。",
        markup=False,
        highlight=False,
    )
