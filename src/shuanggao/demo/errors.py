"""Errors of the demo loader."""

from __future__ import annotations

from shuanggao.errors import AppError, ErrorCode


class DemoPrerequisiteMissing(AppError):
    """The reference data the demo hangs on (pilot zones, universities) is not loaded."""

    code = ErrorCode.NOT_FOUND
    status = 409
    message = "演示数据需要先载入参考数据，请先运行 shuanggao reference load。"
