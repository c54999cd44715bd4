"""The Jinja2 environment of the web UI: loader, i18n, filters, globals and the ``render`` helper.

i18n decision: every user-facing string in templates goes through ``_()`` with the Chinese text
as the msgid (zh_Hans is the default and, for now, only locale). ``jinja2.ext.i18n`` is installed
with gettext callables from ``translations()``: a compiled Babel catalog at
``src/shuanggao/i18n/<locale>/LC_MESSAGES/messages.mo`` is used when present, otherwise the
identity translation (msgid == zh_Hans text). Adding another locale is extracting the msgids
(``pybabel extract -F babel.cfg``) and compiling a catalog; no template changes.

Templates are searched in ``src/shuanggao/web/templates`` first, then in every
``src/shuanggao/<domain>/templates`` (put a domain's files under ``templates/<domain>/`` so names
never collide).
"""

from __future__ import annotations

import datetime as dt
import gettext
import hashlib
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import Depends, Request
from starlette.background import BackgroundTask
from starlette.responses import HTMLResponse

import shuanggao
from shuanggao.actor import ROLE_LABELS, Actor
from shuanggao.clock import CHINA_TZ
from shuanggao.kit.enums import LabeledEnum
from shuanggao.kit.http.csrf import CSRF_FIELD, CSRF_HEADER, csrf_input, csrf_token
from shuanggao.kit.http.deps import ActorDep

PACKAGE_DIR = Path(shuanggao.__file__).resolve().parent
# The layout, shared partials and the site's pages; static files. (The web package serves them.)
WEB_DIR = PACKAGE_DIR / "web"
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
I18N_DIR = PACKAGE_DIR / "i18n"
LOCALE = "zh_Hans"
LOCAL_TZ = CHINA_TZ


# ---------------------------------------------------------------------------------------------
# i18n
# ---------------------------------------------------------------------------------------------


@cache
def translations(locale: str = LOCALE) -> gettext.NullTranslations:
    catalog = I18N_DIR / locale / "LC_MESSAGES" / "messages.mo"
    if catalog.exists():
        with catalog.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    return gettext.NullTranslations()


# ---------------------------------------------------------------------------------------------
# Formatting filters: Chinese number, money and date formats
# ---------------------------------------------------------------------------------------------


def fmt_number(value: Any, places: int | None = None) -> str:
    """``12345`` → ``12,345``; ``None`` → ``—``."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return f"{value:,}"
    number = Decimal(str(value))
    if places is None:
        places = 0 if number == number.to_integral_value() else 2
    return f"{number:,.{places}f}"


def fmt_yuan_exact(value: Any) -> str:
    """Money to the fen: ``123456789.01`` → ``123,456,789.01 元`` (records, forms)."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(str(value)):,.2f} 元"


def fmt_yuan(value: Any) -> str:
    """Money at a glance (figures, tables of figures): always 万元 with at most two decimals,
    rounded half up in Decimal (no float): ``750000000`` → ``75,000 万元``, ``23610002`` →
    ``2,361 万元``, ``12345.67`` → ``1.23 万元``, ``0`` → ``0 万元``.

    The one money rule: a figure in 万元 with at most two decimals (``yuan``), a record's amount
    in 元 with two decimals (``yuan_exact``) — a column uses one of them, never both.
    """
    if value is None or value == "":
        return "—"
    amount = (Decimal(str(value)) / Decimal(10_000)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if amount == 0:
        amount = Decimal(0)  # never "-0"
    text = f"{amount:,.2f}".rstrip("0").rstrip(".")
    return f"{text} 万元"


def fmt_date(value: Any) -> str:
    """``2025-11-30`` → ``2025年11月30日``."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        value = value.astimezone(LOCAL_TZ).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def fmt_datetime(value: Any) -> str:
    """An aware timestamp in Beijing time: ``2025年11月30日 14:05``."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        local = value.astimezone(LOCAL_TZ) if value.tzinfo else value
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return fmt_date(value)


def fmt_value(value: Any) -> str:
    """A field value for display: enums by Chinese label, lists joined with 、, booleans 是/否."""
    if value is None or value == "":
        return "—"
    if isinstance(value, LabeledEnum):
        return value.label
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return fmt_datetime(value)
    if isinstance(value, dt.date):
        return fmt_date(value)
    if isinstance(value, Decimal):
        return fmt_number(value, 2)
    if isinstance(value, int):
        return fmt_number(value)
    if isinstance(value, list | tuple | set):
        items = [fmt_value(v) for v in value]
        return "、".join(items) if items else "—"
    return str(value)


# ---------------------------------------------------------------------------------------------
# Static files
# ---------------------------------------------------------------------------------------------


@cache
def _static_hash(path: str) -> str:
    file = STATIC_DIR / path
    if not file.is_file():
        return ""
    return hashlib.sha256(file.read_bytes()).hexdigest()[:10]


def static_url(path: str) -> str:
    """``/static/<path>?v=<content hash>`` so browsers refetch only changed files."""
    path = path.lstrip("/")
    digest = _static_hash(path)
    return f"/static/{path}?v={digest}" if digest else f"/static/{path}"


# ---------------------------------------------------------------------------------------------
# The environment
# ---------------------------------------------------------------------------------------------


def template_dirs() -> list[Path]:
    """``web/templates`` first, then every package's ``templates`` folder (sorted by package)."""
    others = sorted(p for p in PACKAGE_DIR.glob("*/templates") if p.is_dir() and p != TEMPLATES_DIR)
    return [TEMPLATES_DIR, *others]


def url_with(request: Request, **changes: Any) -> str:
    """The current URL with some query parameters changed (``None`` removes one)."""
    params: dict[str, str] = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return f"{request.url.path}?{query}" if query else request.url.path


def current_actor(request: Request) -> Actor | None:
    actor: Actor | None = getattr(request.state, "actor", None)
    return actor


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs()]),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        number=fmt_number,
        yuan=fmt_yuan,
        yuan_exact=fmt_yuan_exact,
        date_cn=fmt_date,
        datetime_cn=fmt_datetime,
        value=fmt_value,
    )
    env.globals.update(
        csrf_token=csrf_token,
        csrf_input=csrf_input,
        csrf_field=CSRF_FIELD,
        csrf_header=CSRF_HEADER,
        static_url=static_url,
        url_with=url_with,
        current_actor=current_actor,
        role_labels={str(k): v for k, v in ROLE_LABELS.items()},
        site_name="双高协同平台",
    )
    return env


def render_string(name: str, context: Mapping[str, Any]) -> str:
    return environment().get_template(name).render(context)


def _display_name(request: Request, actor: Actor | None) -> str:
    """The signed-in person's name as the accounts domain knows it, else the login name."""
    account = getattr(request.state, "account", None)
    name = getattr(account, "display_name", None)
    if name:
        return str(name)
    return actor.username if actor is not None else ""


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    background: BackgroundTask | None = None,
) -> HTMLResponse:
    """Render a page (or a partial) with the layout's context: actor, nav, flash messages."""
    from shuanggao.kit.http import flash, nav

    actor = current_actor(request)
    ctx: dict[str, Any] = {
        "request": request,
        "actor": actor,
        "nav": nav.nav_for(request, actor),
        "flashes": flash.pop_flashes(request),
        "tenant_name": nav.tenant_name(request, actor),
        "display_name": _display_name(request, actor),
        "is_htmx": request.headers.get("HX-Request") == "true",
    }
    if context:
        ctx.update(context)
    html = render_string(name, ctx)
    response = HTMLResponse(html, status_code=status_code, headers=headers, background=background)
    flash.clear_cookie_if_read(request, response)
    return response


def page_actor(request: Request, actor: ActorDep) -> Actor:
    """The signed-in actor for a page, also put where the layout reads it (``request.state``).

    Use ``PageActor`` in page handlers so the top bar and navigation show the same principal the
    services are scoped by (also when tests override ``deps.get_actor``).
    """
    request.state.actor = actor
    return actor


PageActor = Annotated[Actor, Depends(page_actor)]
