"""What an import plan is made of: row problems, planned rows, the plan, and the planning context.

Split from ``engine`` so the engine file holds the steps (map, convert, check, write) only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.imports.fields import FieldSpec
from shuanggao.kit.register import Register


class RowCode(StrEnum):
    """Stable codes of row problems (the Chinese message says the same for people)."""

    MISSING_COLUMN = "missing_column"
    UNKNOWN_COLUMN = "unknown_column"
    DUPLICATE_COLUMN = "duplicate_column"
    NO_ROWS = "no_rows"
    REQUIRED = "required"
    INVALID = "invalid"
    UNKNOWN_REF = "unknown_ref"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    DUPLICATE = "duplicate"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "code": str(self.code),
            "message": self.message,
        }


@dataclass
class PlannedRow:
    number: int
    values: dict[str, Any]
    existing: Any = None
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    kind: str
    row_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    creates: list[PlannedRow] = field(default_factory=list)
    updates: list[PlannedRow] = field(default_factory=list)
    unchanged: int = 0
    # What the register's ``warn`` hooks said of rows that will be written (a possible
    # duplicate need): shown with the preview, never a reason to refuse the file.
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class PlanContext:
    session: Session
    actor: Actor
    reg: Register[Any]
    by_index: dict[int, FieldSpec]
    header_of: dict[str, str]
    order: dict[str, int]
    ref_cache: dict[tuple[str, str], int | None] = field(default_factory=dict)
    ref_labels: dict[str, str] = field(default_factory=dict)

    @property
    def present(self) -> set[str]:
        return {spec.field for spec in self.by_index.values()}

    @property
    def spec_of(self) -> dict[str, FieldSpec]:
        return {s.field: s for s in self.by_index.values()}

    @property
    def unordered(self) -> set[str]:
        return {s.field for s in self.by_index.values() if s.many and s.column.ref is not None}
