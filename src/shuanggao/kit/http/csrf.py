"""The CSRF token of the signed-in session, for forms, htmx and the middleware that checks it.

``AccountsMiddleware`` (``accounts/install.py``) derives the token from the session and puts it in
``request.state.csrf_token``; every unsafe request a session cookie authenticates must send it
back, as the ``X-CSRF-Token`` header or a ``csrf_token`` form field. Templates get
``csrf_token(request)`` and ``csrf_input(request)`` (a hidden field) as globals; htmx sends the
header from the meta tag (``static/js/app.js``).
"""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def csrf_token(request: Request) -> str:
    """The CSRF token of the current session ("" when not signed in): put it in every form."""
    token: str = getattr(request.state, "csrf_token", "")
    return token


def csrf_input(request: Request) -> Markup:
    """A hidden form field carrying the CSRF token."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        CSRF_FIELD, csrf_token(request)
    )
