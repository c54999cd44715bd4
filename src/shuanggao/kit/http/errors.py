"""How errors become responses: JSON for the API, the HTML error page for browsers.

``install_error_handlers(app)`` maps ``AppError``, validation errors, HTTP errors and unexpected
exceptions to one body shape (``{"error": code, "detail": message, "fields": {...}}``);
``render_error`` is also what middleware uses when it refuses a request before routing.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from shuanggao.db.busy import translate
from shuanggao.errors import AppError, ErrorCode
from shuanggao.kit.http.bodylimit import too_large_extra
from shuanggao.kit.validation import field_errors

log = logging.getLogger("shuanggao")

API_PREFIX = "/api/v1"


def wants_json(request: Request) -> bool:
    if request.url.path.startswith(API_PREFIX):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def render_error(request: Request, status: int, body: dict[str, Any]) -> Response:
    """JSON for the API; HTML pages register ``app.state.render_error_page`` for browsers."""
    html = getattr(request.app.state, "render_error_page", None)
    if html is not None and not wants_json(request):
        response: Response = html(request, status, body)
        return response
    return JSONResponse(body, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        response = render_error(request, exc.status, exc.to_dict())
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        fields = field_errors(exc.errors())
        body = {
            "error": str(ErrorCode.VALIDATION),
            "detail": "提交的数据有误，请检查标出的字段。",
            "fields": fields,
        }
        return render_error(request, 422, body)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        body: dict[str, Any]
        if exc.status_code == 404:
            body = {"error": str(ErrorCode.NOT_FOUND), "detail": "页面不存在。"}
        elif exc.status_code == 413:
            body = {
                "error": str(ErrorCode.BODY_TOO_LARGE),
                "detail": str(exc.detail),
            }
            limit = getattr(exc, "limit", None)
            if isinstance(limit, int):
                body.update(too_large_extra(limit))
        elif exc.status_code == 405:
            body = {"error": "method_not_allowed", "detail": "不支持该请求方法。"}
        else:
            body = {"error": "http_error", "detail": str(exc.detail)}
        return render_error(request, exc.status_code, body)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        mapped = translate(exc)  # a database that is busy or went away: 503, never a 500
        if mapped is not None:
            log.warning("database unavailable or busy, path=%s: %s", request.url.path, exc)
            return await _app_error(request, mapped)
        request_id = uuid.uuid4().hex[:12]
        log.error(
            "unexpected error, request_id=%s path=%s", request_id, request.url.path, exc_info=exc
        )
        body = {
            "error": "internal_error",
            "detail": f"系统内部错误，请联系管理员（编号 {request_id}）。",
            "request_id": request_id,
        }
        return render_error(request, 500, body)
