"""What a production-profile check returns (``shuanggao/production.py`` runs them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Refusal:
    code: str
    reason: str
