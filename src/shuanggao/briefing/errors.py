"""Errors of the briefing."""

from __future__ import annotations

from shuanggao.errors import Forbidden


class BriefingForbidden(Forbidden):
    message = "工作简报仅供省级管理员、审计员和高新区管理员生成。"
