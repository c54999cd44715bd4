"""Errors of matchmaking events."""

from __future__ import annotations

from shuanggao.errors import AppError, ErrorCode


class ScheduleInfeasible(AppError):
    """The requested meetings alone break a cap or need more tables than there are."""

    code = ErrorCode.SCHEDULE_INFEASIBLE
    status = 422
    message = "指定的洽谈超出了参会方的洽谈上限或桌位数，请您调整后重试。"


class ScheduleLocked(AppError):
    """Meetings have started (check-ins or outcomes): the schedule is no longer regenerated."""

    code = ErrorCode.SCHEDULE_LOCKED
    status = 409
    message = "对接会已开始签到或记录洽谈结果，不能重新生成日程。"


class NoFreeSlot(AppError):
    code = ErrorCode.NO_FREE_SLOT
    status = 409
    message = "双方没有共同的空闲时段或桌位已满，无法预约洽谈。"
