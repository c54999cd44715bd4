"""Checks about universities, for the rules of every domain whose records name universities."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shuanggao.errors import ValidationFailed
from shuanggao.universities import repository as repo


def check_universities(session: Session, ids: list[int] | None, field: str) -> None:
    """Every university named exists (``None``: nothing named, nothing to check)."""
    if ids is None:
        return
    missing = repo.missing_university_ids(session, ids)
    if missing:
        raise ValidationFailed(
            fields={field: "高校不存在（编号：" + "、".join(str(i) for i in missing) + "）"}
        )
