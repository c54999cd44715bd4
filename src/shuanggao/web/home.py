"""The home page: what needs the signed-in person's attention, by role."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.accounts.actor import Actor


def panels_for(session: Session, actor: Actor) -> list[dict[str, Any]]:
    return []
