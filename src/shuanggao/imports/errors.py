"""Errors of imports and exports. Row problems are data (``RowError``), not exceptions."""

from __future__ import annotations

from typing import Any

from shuanggao.errors import AppError, ErrorCode


class BadFile(AppError):
    """The upload is not a spreadsheet we can read safely (wrong type, damaged, zip bomb...)."""

    code = ErrorCode.BAD_FILE
    status = 400
    message = "无法读取该文件，请上传 .xlsx 或 .csv 格式的表格。"


class FileTooLarge(AppError):
    code = ErrorCode.FILE_TOO_LARGE
    status = 413
    message = "文件太大，无法导入。"


class ImportRejected(AppError):
    """A file with bad rows: nothing was written. ``extra`` carries the job and every bad row."""

    code = ErrorCode.IMPORT_REJECTED
    status = 422
    message = "文件中有错误，未导入任何数据。请按错误列表修改后重新上传。"

    def __init__(self, job: dict[str, Any], errors: list[dict[str, Any]]) -> None:
        count = int(job.get("error_count") or len(errors))
        super().__init__(
            f"文件中有 {count} 处错误，未导入任何数据。请按错误列表修改后重新上传。",
            extra={"job": job, "errors": errors},
        )
