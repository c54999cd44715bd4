"""Request body caps: JSON and form bodies up to ``max_body_bytes``, multipart uploads up to the
upload limit (the import endpoints check the file itself against ``max_upload_bytes``).

A body announced too large (``Content-Length``) is answered 413 before it is read; a body that
grows past the cap while it streams (no length announced) ends the read with the same 413. The
error code is ``body_too_large`` either way.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shuanggao.errors import AppError, ErrorCode
from shuanggao.kit.validation import TEXT_MAX_LENGTH

# Multipart framing (boundaries, part headers, the CSRF field) around an upload.
UPLOAD_SLACK_BYTES = 1024 * 1024
_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def too_large_message(limit: int) -> str:
    """Names the whole-request cap, which holds whatever field the bytes are in (each text
    field has its own, smaller cap: ``TEXT_MAX_LENGTH`` characters, answered 422 by field)."""
    if limit >= 1024 * 1024:
        size = f"{limit / 1024 / 1024:g} MB"
    else:
        size = f"{limit / 1024:g} KB"
    return (
        f"请求正文过大：整个请求不得超过 {size}（与字段无关）；"
        f"单个文本字段另限 {TEXT_MAX_LENGTH} 字。请精简后重试。"
    )


def too_large_extra(limit: int) -> dict[str, object]:
    """The machine-readable part of every 413: which limit, and how large."""
    return {"limit": "request_body", "max_bytes": limit, "text_max_chars": TEXT_MAX_LENGTH}


class StreamTooLarge(HTTPException):
    """A body that grew past the cap while it streamed (see ``BodyLimitMiddleware._counting``)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, detail=too_large_message(limit))
        self.limit = limit


class BodyTooLarge(AppError):
    code = ErrorCode.BODY_TOO_LARGE
    status = 413
    message = "提交的内容过大，请精简后重试。"


class BodyLimitMiddleware:
    """Caps read from the application's settings on each request (``max_body_bytes``,
    ``max_upload_bytes`` plus the multipart framing)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    @staticmethod
    def limit_for(scope: Scope, content_type: str) -> int:
        settings = scope["app"].state.settings
        if content_type.lower().startswith("multipart/form-data"):
            return int(settings.max_upload_bytes) + UPLOAD_SLACK_BYTES
        return int(settings.max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _NO_BODY:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        limit = self.limit_for(scope, request.headers.get("content-type", ""))
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(request, limit)(scope, receive, send)
            return
        await self.app(scope, self._counting(receive, limit), send)

    @staticmethod
    def _refuse(request: Request, limit: int) -> ASGIApp:
        from shuanggao.kit.http.errors import render_error

        error = BodyTooLarge(too_large_message(limit), extra=too_large_extra(limit))
        return render_error(request, error.status, error.to_dict())

    @staticmethod
    def _counting(receive: Receive, limit: int) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # Raised while the endpoint reads its body; FastAPI passes an HTTPException
                    # through to the handlers, which answer 413 ``body_too_large``.
                    raise StreamTooLarge(limit)
            return message

        return counted
