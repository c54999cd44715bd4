from __future__ import annotations

from shuanggao.errors import AppError, ErrorCode


class ReferenceLoadFailed(AppError):
    """The shipped files contradict each other or the database (every bad row is listed)."""

    code = ErrorCode.VALIDATION
    status = 422
    message = "参考数据有误，未写入任何数据。"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            f"参考数据有 {len(problems)} 处错误，未写入任何数据。",
            extra={"errors": problems},
        )
        self.problems = problems
