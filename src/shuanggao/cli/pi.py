"""``shuanggao pi``: keys of the personal fields encrypted at rest (db/sealed.py)."""

from __future__ import annotations

import typer

from shuanggao.audit import service as audit
from shuanggao.audit.guard import ensure_append_only
from shuanggao.cli.context import cli_actor, console, open_session
from shuanggao.config import get_settings
from shuanggao.db import sealed

app = typer.Typer(name="pi", help="个人信息加密：生成密钥、轮换密钥。", no_args_is_help=True)


@app.command("new-key")
def new_key(key_id: str = typer.Argument(..., help="新密钥编号（字母数字），如 k2")) -> None:
    """生成一个新密钥，加在 SHUANGGAO_PI_KEYS 的最前面即成为当前密钥。"""
    if not key_id.isalnum():
        console.print("[red]密钥编号只能包含字母和数字。[/red]")
        raise typer.Exit(code=1)
    console.print(sealed.new_key_spec(key_id), markup=False, highlight=False, soft_wrap=True)


@app.command("rotate-key")
def rotate_key() -> None:
    """用当前密钥（SHUANGGAO_PI_KEYS 的第一个）重新加密全部个人信息字段。

    轮换步骤：把新密钥加在 SHUANGGAO_PI_KEYS 最前面（保留旧密钥），运行本命令，然后再去掉旧密钥。
    """
    sealed.configure(get_settings())
    with open_session() as session:
        ensure_append_only(session.get_bind())  # type: ignore[arg-type]
        counts = sealed.reseal_all(session)
        total = sum(counts.values())
        audit.record(
            session,
            cli_actor(),
            "pi_rotate_key",
            "pi",
            summary=f"个人信息字段改用密钥 {sealed.ring().current} 加密，共 {total} 个值",
            after={"key_id": sealed.ring().current, **counts},
        )
    for column, n in counts.items():
        console.print(f"{column}: {n}", markup=False, highlight=False)
    console.print(f"已用密钥 {sealed.ring().current} 重新加密 {total} 个值。", highlight=False)
