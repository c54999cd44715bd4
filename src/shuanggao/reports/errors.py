"""Errors of the reports domain."""

from __future__ import annotations

from shuanggao.errors import AppError, ErrorCode, NotFound


class ReportStateError(AppError):
    """The action does not fit the report's status (e.g. approving a draft)."""

    code = ErrorCode.CONFLICT
    status = 409
    message = "该填报当前状态不允许此操作。"


class UnknownZone(NotFound):
    message = "高新区不存在或您无权查看。"
