"""Register-specific tweaks of the generic register pages, without copying them.

A domain (or the web package for the pages it owns) calls ``set_page_hooks`` once at import:

    set_page_hooks("pairings", PageHooks(
        list_fields=("zone_id", "university_ids", "batch", "status"),
        detail_links=lambda obj: [("“五个一”看板", f"/pairings/{obj.id}/board")],
    ))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.accounts.actor import Actor

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


_HOOKS: dict[str, PageHooks] = {}


def set_page_hooks(register_name: str, hooks: PageHooks) -> None:
    _HOOKS[register_name] = hooks


def page_hooks(register_name: str) -> PageHooks:
    return _HOOKS.get(register_name, PageHooks())
