"""One error base with a stable machine code, an HTTP status and a Chinese message.

Domain errors subclass ``AppError`` in their own ``errors.py``. Handlers render them as JSON
(``{"error": code, "detail": message, "fields": {...}}``) or as an HTML page. Tests assert on
``code``, never on the Chinese text.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    UNAUTHENTICATED = "unauthenticated"
    VALIDATION = "validation_error"
    CONFLICT = "conflict"
    DUPLICATE = "duplicate"
    IN_USE = "in_use"
    IMPORT_REJECTED = "import_rejected"
    BAD_FILE = "bad_file"
    FILE_TOO_LARGE = "file_too_large"
    LOCKED = "account_locked"
    BAD_CREDENTIALS = "bad_credentials"
    RATE_LIMITED = "rate_limited"
    CSRF = "csrf_failed"
    SECOND_FACTOR = "second_factor_required"
    WEAK_PASSWORD = "weak_password"  # noqa: S105 - an error code
    PASSWORD_REUSED = "password_reused"  # noqa: S105 - an error code
    MODEL_MISSING = "model_missing"
    PASSWORD_CHANGE_REQUIRED = "password_change_required"  # noqa: S105 - an error code
    TOTP_ENROLMENT_REQUIRED = "totp_enrolment_required"
    VERSION_REQUIRED = "version_required"
    DATABASE_BUSY = "database_busy"
    UNSAFE_PRODUCTION = "unsafe_production_settings"
    DATABASE_UNAVAILABLE = "database_unavailable"
    BODY_TOO_LARGE = "body_too_large"
    BACKUP_INVALID = "backup_invalid"
    BACKUP_MISMATCH = "backup_mismatch"
    BACKUP_REVISION_MISMATCH = "backup_revision_mismatch"
    BACKUP_TOOL_FAILED = "backup_tool_failed"
    RESTORE_NOT_EMPTY = "restore_target_not_empty"
    RESTORE_VERIFY_FAILED = "restore_verification_failed"
    PLAN_INFEASIBLE = "plan_infeasible"
    CONSENT_REQUIRED = "consent_required"
    # The person has not consented (or withdrew) to this reader seeing the record.
    NOT_SHARED = "not_shared"
    SCHEDULE_INFEASIBLE = "schedule_infeasible"
    SCHEDULE_LOCKED = "schedule_locked"
    NO_FREE_SLOT = "no_free_slot"
    MENTOR_CONFLICT = "mentor_conflict"
    COLLABORATION_CLOSED = "collaboration_closed"
    CONFIDENTIALITY_REQUIRED = "confidentiality_required"
    STAGE_ORDER = "stage_order"
    WRONG_STATE = "wrong_state"


class AppError(Exception):
    code: ErrorCode = ErrorCode.VALIDATION
    status: int = 400
    message: str = "请求无效。"
    # Response headers the handler adds (e.g. ``Retry-After`` on a busy database).
    headers: ClassVar[Mapping[str, str]] = {}

    def __init__(
        self,
        message: str | None = None,
        *,
        fields: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.detail = message or self.message
        self.fields = fields or {}
        self.extra = extra or {}
        super().__init__(self.detail)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": str(self.code), "detail": self.detail}
        if self.fields:
            body["fields"] = self.fields
        body.update(self.extra)
        return body


class NotFound(AppError):
    code = ErrorCode.NOT_FOUND
    status = 404
    message = "记录不存在或您无权查看。"


class Forbidden(AppError):
    code = ErrorCode.FORBIDDEN
    status = 403
    message = "您没有执行此操作的权限。"


class Unauthenticated(AppError):
    code = ErrorCode.UNAUTHENTICATED
    status = 401
    message = "请先登录。"


class ValidationFailed(AppError):
    code = ErrorCode.VALIDATION
    status = 422
    message = "提交的数据有误，请检查标出的字段。"


class Conflict(AppError):
    code = ErrorCode.CONFLICT
    status = 409
    message = "该记录已被他人修改，请刷新后重试。"


class Duplicate(AppError):
    code = ErrorCode.DUPLICATE
    status = 409
    message = "已存在相同的记录。"


class InUse(AppError):
    code = ErrorCode.IN_USE
    status = 409
    message = "该记录仍被其他记录引用，不能删除。"


class VersionRequired(AppError):
    """An update that does not name the version it was made from cannot be checked."""

    code = ErrorCode.VERSION_REQUIRED
    status = 428
    message = "请提交您所编辑记录的版本号（version），以免覆盖他人的修改。"


class DatabaseBusy(AppError):
    """The database could not take the request now (locked, pool exhausted, lock timeout)."""

    code = ErrorCode.DATABASE_BUSY
    status = 503
    message = "系统繁忙，请稍后重试。"
    headers: ClassVar[Mapping[str, str]] = {"Retry-After": "2"}
