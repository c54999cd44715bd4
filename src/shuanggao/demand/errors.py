"""Demand errors."""

from __future__ import annotations

from shuanggao.errors import AppError, ErrorCode


class BadTransition(AppError):
    code = ErrorCode.CONFLICT
    status = 409
    message = "该需求当前的梳理状态不能改为所选状态。"
