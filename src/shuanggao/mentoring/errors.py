"""Errors of the dual-mentor scheme."""

from __future__ import annotations

from shuanggao.errors import AppError, ErrorCode


class MentorConflict(AppError):
    """A declared conflict: the mentor is the student's relative or co-owns the enterprise."""

    code = ErrorCode.MENTOR_CONFLICT
    status = 409
    message = "该导师已申报与学生或企业存在利益关系（亲属或企业共同所有人），不能担任本项目导师。"


class WrongState(AppError):
    """The step does not fit the project's current stage."""

    code = ErrorCode.WRONG_STATE
    status = 409
    message = "该实践项目当前所处阶段不能进行此操作。"


class NotShared(AppError):
    """The student has not consented (or has withdrawn consent) to sharing the practice record
    with the enterprise mentor (``personal.PRACTICE_TO_MENTOR``)."""

    code = ErrorCode.NOT_SHARED
    status = 403
    message = "该学生未同意（或已撤回）与企业导师共享实践记录，您暂不能查看该记录。"
