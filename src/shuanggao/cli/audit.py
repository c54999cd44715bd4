"""``shuanggao audit``: check the audit trail's hash chain."""

from __future__ import annotations

import typer
from rich.table import Table

from shuanggao.audit import chain
from shuanggao.audit import repository as audit_repo
from shuanggao.audit import service as audit
from shuanggao.cli.context import cli_actor, console, err_console, open_session, progress_bar
from shuanggao.errors import AppError

app = typer.Typer(name="audit", help="审计日志：校验哈希链。", no_args_is_help=True)


def _problems_table(report: chain.ChainReport) -> Table:
    table = Table(title="审计日志异常记录")
    table.add_column("记录编号", justify="right")
    table.add_column("序号", justify="right")
    table.add_column("应为序号", justify="right")
    table.add_column("原因")
    for p in report.problems:
        table.add_row(
            str(p.id), str(p.seq), str(p.expected_seq), f"{p.label}（{','.join(p.reasons)}）"
        )
    return table


@app.command("verify")
def verify(
    batch_size: int = typer.Option(
        chain.BATCH_SIZE, "--batch-size", min=1, max=100_000, help="每批读取的记录数"
    ),
) -> None:
    """逐条校验审计日志的哈希链；发现被改动或删除的记录时列出其编号并以非零状态退出。

    校验本身记入审计日志（操作“校验审计日志”）。
    """
    actor = cli_actor()
    try:
        with open_session() as session:
            total = audit_repo.count(session)
            with progress_bar(err_console) as bar:
                task = bar.add_task("校验审计日志", total=total)
                report = audit.verify_chain(
                    session,
                    actor,
                    batch_size=batch_size,
                    on_batch=lambda n: bar.advance(task, n),
                )
            audit.record_verification(session, actor, report)
    except AppError as exc:
        err_console.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(code=1) from exc
    head = f"链尾：序号 {report.head_seq}，哈希 {report.head_hash}"
    if report.ok:
        erased = f"（其中 {report.erased} 条的个人信息已按注销要求清除）" if report.erased else ""
        console.print(f"[green]审计日志完整：已校验 {report.checked} 条{erased}。[/green]")
        console.print(head)
        return
    err_console.print(_problems_table(report))
    more = "（仅列出前 100 条）" if report.truncated else ""
    ids = "、".join(str(p.id) for p in report.problems[:20])
    err_console.print(
        f"[red]审计日志被篡改：已校验 {report.checked} 条，"
        f"{len(report.problems)} 条异常{more}，记录编号 {ids}。[/red]"
    )
    err_console.print(head)
    raise typer.Exit(code=1)
