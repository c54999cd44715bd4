"""Register-specific tweaks of the generic register pages, without copying them.

Every register's hooks are listed in ``web/routes.py`` (``PAGE_HOOKS``), e.g.

    "pairings": PageHooks(
        list_fields=("zone_id", "university_ids", "batch", "status"),
        detail_links=lambda obj: [("“五个一”看板", f"/pairings/{obj.id}/board")],
    ),

``create_app`` puts that table on ``app.state.page_hooks``; pages read it with ``hooks_table``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request

from shuanggao.actor import Actor

# (label, href) pairs shown as buttons on a record's detail page.
DetailLinks = Callable[[Any], list[tuple[str, str]]]
# ``(session, actor, limit) -> [(id, label)]`` (None when more than ``limit``): the choices when
# another register's form or filter refers to this one, in as few queries as possible.
Options = Callable[[Session, Actor, int], list[tuple[int, str]] | None]


@dataclass(frozen=True)
class PageHooks:
    # Fields (``Column.field``) shown as list columns, in order; default: the first few columns.
    list_fields: Sequence[str] | None = None
    # Fields left out of the create/edit forms (set by the service or a domain page instead).
    form_exclude: frozenset[str] = frozenset()
    # Extra action buttons on the detail page (e.g. a pairing's 五个一 board).
    detail_links: DetailLinks | None = None
    # A template included at the end of the detail page, with ``obj`` and ``reg`` in context.
    detail_template: str | None = None
    # Registers whose records are created elsewhere (no 新增 button, e.g. computed rows).
    allow_create: bool = True
    # How other registers' forms and filters list this register's records (default: by title).
    options: Options | None = None


HooksTable = Mapping[str, PageHooks]
NO_HOOKS = PageHooks()


def hooks_table(request: Request) -> HooksTable:
    """The app's page hooks by register name (``web/routes.py`` lists them)."""
    table: HooksTable = getattr(request.app.state, "page_hooks", {})
    return table


def page_hooks(table: HooksTable, register_name: str) -> PageHooks:
    return table.get(register_name, NO_HOOKS)
