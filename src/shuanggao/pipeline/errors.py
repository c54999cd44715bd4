"""Errors of the collaboration pipeline."""

from __future__ import annotations

from shuanggao.errors import AppError, ErrorCode


class CollaborationClosed(AppError):
    code = ErrorCode.COLLABORATION_CLOSED
    status = 409
    message = "该合作对接已终止或已立项，不能再推进。"


class ConfidentialityRequired(AppError):
    code = ErrorCode.CONFIDENTIALITY_REQUIRED
    status = 409
    message = "该需求为保密需求：请先登记双方签订的保密协议，再推进到“已对接”及以后的阶段。"


class StageOrder(AppError):
    code = ErrorCode.STAGE_ORDER
    status = 422
    message = "阶段须依次推进（有意向 → 已联系 → 已对接 → 签订意向 → 签订合同 → 立项）。"
