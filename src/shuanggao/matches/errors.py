"""Match errors."""

from __future__ import annotations

from shuanggao.errors import AppError, ErrorCode


class BadStateChange(AppError):
    code = ErrorCode.CONFLICT
    status = 409
    message = "该匹配当前的状态不能改为所选状态。"
