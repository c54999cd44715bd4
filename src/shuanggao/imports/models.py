"""Import jobs: one uploaded file, its preview (counts and every bad row) and its outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from shuanggao.db.base import Base, IdMixin, TimestampMixin
from shuanggao.db.types import UTCDateTime
from shuanggao.kit.enums import LabeledEnum


class ImportStatus(LabeledEnum):
    PREVIEWED = ("previewed", "已预检")
    APPLIED = ("applied", "已导入")
    REJECTED = ("rejected", "有错误，已拒绝")
    FAILED = ("failed", "写入失败")


class ImportJob(IdMixin, TimestampMixin, Base):
    """An uploaded file for one register. The bytes are kept so ``apply`` re-validates them."""

    __tablename__ = "import_job"

    kind: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    file_format: Mapped[str] = mapped_column(String(10), nullable=False)
    file_size: Mapped[int] = mapped_column(Integer, nullable=False)
    file_sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    # ImportStatus value.
    status: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    actor_name: Mapped[str] = mapped_column(String(100), nullable=False)
    actor_role: Mapped[str] = mapped_column(String(40), nullable=False)
    row_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # How many data rows have at least one error (a row with three bad cells counts once).
    error_row_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # [{"row", "column", "code", "message"}], at most MAX_STORED_ERRORS of them.
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    # Rows written despite a warning (a possible duplicate need): ``RowError.to_dict`` each.
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    # A note for the user, e.g. that the same file was already imported.
    notice: Mapped[str | None] = mapped_column(String(500), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def status_label(self) -> str:
        try:
            return ImportStatus(self.status).label
        except ValueError:
            return self.status
