"""``Register``: the one description of a domain's table that the kit serves everywhere."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import ExecutableOption

from shuanggao import personal
from shuanggao.kit.policy import Policy, PublicRead
from shuanggao.kit.validation import guarded

if TYPE_CHECKING:
    from shuanggao.actor import Actor

M = TypeVar("M")

# Resolve a human value from a file (a name, a code) to a foreign key id; None if not found.
Resolver = Callable[[Session, str], int | None]
# Render a foreign key id (or the row) back as the human value for export.
Renderer = Callable[[Any], Any]
# The human value (what ``resolve`` accepts back) of the target record with this id.
Namer = Callable[[Session, int], str | None]


@dataclass(frozen=True)
class Ref:
    """A column that names another record by its natural key (e.g. 高新区 by name)."""

    target: str  # register name of the target, for messages and templates
    resolve: Resolver
    render: Renderer  # obj -> exported text
    # id -> the same text ``render`` exports for it (a form pre-filled with an id shows this).
    name_of: Namer | None = None


@dataclass(frozen=True)
class Column:
    """One import/export column: a schema field with its Chinese header."""

    field: str
    header: str
    required: bool = False
    example: str = ""
    help: str = ""
    ref: Ref | None = None
    # Multi-valued cells are split on ；;、, and newlines into a list.
    multi: bool = False
    # Export value from the ORM object when it is not simply getattr(obj, field).
    export: Renderer | None = None


@dataclass(frozen=True)
class Filter:
    """A list filter: query parameter ``name`` compares model attribute ``attr`` for equality."""

    name: str
    attr: str
    label: str
    type: type = str


@dataclass
class Register(Generic[M]):
    name: str  # URL segment and import/export kind, plural snake case: "zones"
    label: str  # Chinese label: "高新区"
    model: type[M]
    create_schema: type[BaseModel]
    update_schema: type[BaseModel]
    read_schema: type[BaseModel]
    columns: Sequence[Column] = ()
    natural_key: tuple[str, ...] = ()
    search_fields: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    sort_fields: tuple[str, ...] = ("id",)
    default_sort: str = "id"
    policy: Policy = field(default_factory=PublicRead)
    load_options: Sequence[ExecutableOption] = ()
    # Title of a row for lists, audit summaries and messages.
    title_attr: str = "name"
    # Domain checks that need the database (uniqueness across tables, parent scope, ...). Called
    # with the merged values before create/update; raise an AppError to refuse.
    validate: Callable[[Session, Any, dict[str, Any], M | None], None] | None = None
    # Children the generic create/update cannot set by column assignment (many-to-many ...).
    apply_extra: Callable[[Session, M, dict[str, Any]], None] | None = None
    # Extra fields only the API shows, not importable (computed).
    description: str = ""
    # Per-actor masking: the fields of a row that this actor may read the row but not see (an
    # anonymous demand's enterprise ...). Everything that shows rows — the API, pages, exports,
    # match results — goes through ``present`` / ``hidden_for`` so the rule holds everywhere.
    hidden_fields: Callable[[Actor, M], frozenset[str]] | None = None
    # What a hidden field shows instead (default: None, an empty cell in exports).
    masked_values: Mapping[str, Any] = field(default_factory=dict)
    # Called by the kit after a record is created or updated, with (session, actor, record):
    # another domain queues follow-up work here (the matches domain matches a saved demand).
    after_save: list[Callable[[Session, Actor, Any], None]] = field(default_factory=list)
    # Called with (session, actor, values, current) after the checks pass, on every create and
    # update (API, forms, imports): warnings that do not refuse the write (a possible duplicate
    # need), each ``{"code", "message", ...}``. Another domain adds its check here.
    warn: list[Callable[[Session, Actor, dict[str, Any], Any], list[dict[str, Any]]]] = field(
        default_factory=list
    )
    # Called by an import with (session, actor, [(row number, values), ...]) for the rows it will
    # write: warnings between rows of one file (rows 3 and 7 are the same need), each
    # ``(row number, {"code", "message", ...})``. Another domain adds its check here.
    warn_rows: list[
        Callable[
            [Session, Actor, list[tuple[int, dict[str, Any]]]],
            list[tuple[int, dict[str, Any]]],
        ]
    ] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Every text a user sends is checked the same way, in every register and on every path
        # (API, forms, imports): the input schemas get ``CleanInput``'s checks.
        self.create_schema = guarded(self.create_schema)
        self.update_schema = guarded(self.update_schema)

    def title_of(self, obj: M) -> str:
        value = getattr(obj, self.title_attr, None)
        return str(value) if value is not None else f"#{getattr(obj, 'id', '?')}"

    def hidden_for(self, actor: Actor, obj: M) -> frozenset[str]:
        """The fields of ``obj`` that ``actor`` must not see (empty for most registers)."""
        if self.hidden_fields is None:
            return frozenset()
        return self.hidden_fields(actor, obj)

    def masked_value(self, name: str) -> Any:
        return self.masked_values.get(name)

    def shown_instead(self, actor: Actor, obj: M) -> dict[str, Any]:
        """What ``actor`` sees instead of the stored value, by field: hidden fields (their masked
        value), personal fields this actor may not see in full (``kit.personal``) and
        consent-based fields whose person has not consented (``personal.withheld``)."""
        out = {name: self.masked_value(name) for name in self.hidden_for(actor, obj)}
        if actor.is_system:
            # The CLI and jobs run with database access: masking would only corrupt backups.
            return out
        declared = personal.fields_of(self.model.__tablename__)  # type: ignore[attr-defined]
        for name, pf in declared.items():
            if name in out:
                continue
            if personal.withheld(pf, actor, obj):
                # Consent-based and not (or no longer) given: the person is not shown at all.
                out[name] = personal.instead_of(pf)
                continue
            if not personal.sees_in_full(
                pf, actor.role, lambda: self.policy.can_modify(actor, obj)
            ):
                out[name] = personal.masked(pf, getattr(obj, name, None))
        return out

    def present(self, obj: M, actor: Actor) -> BaseModel:
        """``obj`` as ``actor`` may see it: the read schema with hidden and personal fields
        masked."""
        data = self.read_schema.model_validate(obj, from_attributes=True)
        instead = {
            k: v for k, v in self.shown_instead(actor, obj).items() if k in type(data).model_fields
        }
        if not instead:
            return data
        return data.model_copy(update=instead)


# Filled once by ``shuanggao.domains.load()`` from its explicit ``REGISTERS`` list.
_REGISTERS: dict[str, Register[Any]] = {}


def use_registers(regs: Sequence[Register[Any]]) -> None:
    """Install the app's registers (``shuanggao.domains.load`` calls this; idempotent)."""
    for reg in regs:
        if reg.name in _REGISTERS and _REGISTERS[reg.name] is not reg:
            raise RuntimeError(f"register {reg.name!r} defined twice")
        _REGISTERS[reg.name] = reg


def _loaded() -> dict[str, Register[Any]]:
    if not _REGISTERS:
        raise RuntimeError("no registers loaded: call shuanggao.domains.load() first")
    return _REGISTERS


def get_register(name: str) -> Register[Any]:
    return _loaded()[name]


def all_registers() -> list[Register[Any]]:
    return list(_loaded().values())
