"""The CSRF token helper for templates (``shuanggao.web.templating`` finds it here).

``csrf_token(request)`` is the token of the current session ("" when not signed in). Put it in
every POST form as a hidden ``csrf_token`` field (``csrf_input(request)`` in templates) or send
it as the ``X-CSRF-Token`` header (htmx: ``static/js/app.js`` does this from the meta tag).
"""

from __future__ import annotations

from shuanggao.accounts.install import csrf_token

__all__ = ["csrf_token"]
