"""Errors of industry chains."""

from __future__ import annotations

from shuanggao.errors import NotFound


class TemplateNotFound(NotFound):
    message = "没有这个产业链模板。"
