"""Production-profile checks of the accounts domain (``shuanggao.production``)."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from shuanggao.accounts import repository as repo
from shuanggao.accounts.models import User
from shuanggao.kit.production import Refusal


def refusals(session: Session) -> list[Refusal]:
    """Active demo accounts (known passwords, exempt from TOTP) must not exist in production."""
    if not inspect(session.connection()).has_table(User.__tablename__):
        return []
    names = repo.active_demo_usernames(session)
    if not names:
        return []
    return [
        Refusal(
            "demo_accounts_present",
            f"数据库中存在演示账号（{'、'.join(names)}）：请先停用后再以生产模式启动。",
        )
    ]
