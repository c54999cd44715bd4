"""Errors of the planner."""

from __future__ import annotations

from shuanggao.errors import AppError, ErrorCode


class PlanInfeasible(AppError):
    """No assignment gives every zone its partners within the universities' capacities."""

    code = ErrorCode.PLAN_INFEASIBLE
    status = 422
    message = "在当前容量与固定结对下，无法为每个高新区安排结对高校，请您放宽容量或调整固定结对。"
