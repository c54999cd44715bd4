"""One-shot messages shown on the next page (“已保存。”), carried in a signed cookie.

A handler that redirects after a successful write calls ``add_flash(request, response, text)``;
the next full page render shows the messages and clears the cookie.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.responses import Response

COOKIE = "sg_flash"
LEVELS = ("success", "info", "warning", "error")


def _serializer(request: Request) -> URLSafeSerializer:
    settings = request.app.state.settings
    return URLSafeSerializer(settings.resolved_secret_key(), salt="shuanggao.flash")


def _read(request: Request) -> list[dict[str, str]]:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        data: Any = _serializer(request).loads(raw)
    except BadSignature:
        return []
    if not isinstance(data, list):
        return []
    out: list[dict[str, str]] = []
    for item in data:
        if not isinstance(item, dict):
            continue
        if item.get("level") in LEVELS and isinstance(item.get("text"), str):
            out.append({"level": str(item["level"]), "text": str(item["text"])})
    return out


def add_flash(request: Request, response: Response, text: str, level: str = "success") -> None:
    """Queue ``text`` for the next page this browser renders."""
    if level not in LEVELS:
        raise ValueError(f"unknown flash level {level!r}")
    pending: list[dict[str, str]] = list(getattr(request.state, "flash_pending", []))
    pending.append({"level": level, "text": text})
    request.state.flash_pending = pending
    value = _serializer(request).dumps(pending)
    response.set_cookie(COOKIE, value, httponly=True, samesite="lax", path="/")


def pop_flashes(request: Request) -> list[dict[str, str]]:
    """The messages waiting for this browser; the response of this render clears them."""
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true":
        # A partial update does not show the layout, so leave the messages for the next page.
        return []
    messages = _read(request)
    if messages:
        request.state.flash_read = True
    return messages


def clear_cookie_if_read(request: Request, response: Response) -> None:
    if getattr(request.state, "flash_read", False):
        response.delete_cookie(COOKIE, path="/")
