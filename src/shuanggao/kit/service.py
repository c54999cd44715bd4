"""Generic use cases on a register: list, get, create, update, delete — scoped and audited.

Domain services call these and add their own rules through ``Register.validate``. Nothing here
commits: the caller's unit of work (request, CLI command, job) does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement, false
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from shuanggao import personal
from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.errors import (
    Conflict,
    Duplicate,
    Forbidden,
    InUse,
    NotFound,
    ValidationFailed,
    VersionRequired,
)
from shuanggao.kit.register import Register
from shuanggao.kit.repository import Page, RegisterRepository

M = TypeVar("M")

MAX_PAGE_SIZE = 200


def snapshot(reg: Register[Any], obj: Any) -> dict[str, Any]:
    return reg.read_schema.model_validate(obj, from_attributes=True).model_dump(mode="json")


def read_scope(reg: Register[Any], actor: Actor) -> ColumnElement[bool] | None:
    if not actor.reads_programme:  # the security administrator reads no register (三权分立)
        return false()
    return reg.policy.read_filter(actor)


def search_fields(reg: Register[Any], actor: Actor) -> tuple[str, ...]:
    """The fields ``actor``'s text search looks in: not a consent-based personal field this
    actor reads only with the person's consent (searching by a researcher's name must not find
    the items of a researcher who is not shown, ``personal.withheld``)."""
    declared = personal.fields_of(reg.model.__tablename__)  # type: ignore[attr-defined]
    return tuple(
        f
        for f in reg.search_fields
        if f not in declared
        or declared[f].consent is None
        or not personal.gated(actor, declared[f].consent or "")
    )


def list_records(
    session: Session,
    actor: Actor,
    reg: Register[M],
    *,
    q: str | None = None,
    filters: Mapping[str, Any] | None = None,
    sort: str | None = None,
    page: int = 1,
    page_size: int = 50,
    extra: Sequence[ColumnElement[bool]] = (),
) -> Page[M]:
    page = max(page, 1)
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    repo = RegisterRepository(session, reg)
    return repo.list_page(
        read_scope(reg, actor),
        q=q,
        filters=filters,
        sort=sort,
        page=page,
        page_size=page_size,
        extra=extra,
        search_fields=search_fields(reg, actor),
    )


def list_all_records(
    session: Session,
    actor: Actor,
    reg: Register[M],
    *,
    q: str | None = None,
    filters: Mapping[str, Any] | None = None,
    sort: str | None = None,
) -> list[M]:
    repo = RegisterRepository(session, reg)
    return repo.list_all(
        read_scope(reg, actor),
        q=q,
        filters=filters,
        sort=sort,
        search_fields=search_fields(reg, actor),
    )


def get_record(session: Session, actor: Actor, reg: Register[M], obj_id: int) -> M:
    obj = RegisterRepository(session, reg).get(read_scope(reg, actor), obj_id)
    if obj is None:
        raise NotFound()
    return obj


def _check_write_role(actor: Actor) -> None:
    if actor.role is Role.AUDITOR:
        raise Forbidden("审计员只能查看，不能修改数据。")
    if not actor.reads_programme:
        raise Forbidden("安全管理员不能修改业务数据。")


def _flush(session: Session, reg: Register[Any]) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        # The conditional UPDATE/DELETE found no row with the version read: somebody else won.
        raise Conflict() from exc
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        if "unique" in text or "duplicate" in text:
            raise Duplicate(f"已存在相同的{reg.label}记录。") from exc
        if "foreign key" in text:
            raise InUse(f"{reg.label}引用的记录不存在，或仍被其他记录引用。") from exc
        raise


def build_values(payload: BaseModel | Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    if isinstance(payload, BaseModel):
        return payload.model_dump(exclude_unset=partial)
    return dict(payload)


def _refuse_masked(reg: Register[Any], values: dict[str, Any]) -> None:
    """A masked personal value that is not the stored one sent back is not a value to keep."""
    masked = personal.masked_values_left(reg.model.__tablename__, values)  # type: ignore[attr-defined]
    if masked:
        raise ValidationFailed(fields=dict.fromkeys(masked, "请填写完整的号码，不能包含“*”。"))


_WARNINGS = "shuanggao.warnings"


def collect_warnings(
    session: Session, actor: Actor, reg: Register[Any], values: dict[str, Any], current: Any
) -> list[dict[str, Any]]:
    """Run the register's ``warn`` hooks; the warnings are also kept on the session until the
    caller that answers the person (API, form, import) takes them (``take_warnings``)."""
    found: list[dict[str, Any]] = []
    for hook in reg.warn:
        found.extend(hook(session, actor, values, current))
    if found:
        session.info.setdefault(_WARNINGS, []).extend(found)
    return found


def take_warnings(session: Session) -> list[dict[str, Any]]:
    """The warnings of the writes made in this session so far (then forgotten)."""
    found: list[dict[str, Any]] = session.info.pop(_WARNINGS, [])
    return found


def create_record(
    session: Session,
    actor: Actor,
    reg: Register[M],
    payload: BaseModel | Mapping[str, Any],
    *,
    is_demo: bool = False,
    audit_action: str = "create",
) -> M:
    _check_write_role(actor)
    values = build_values(payload, partial=False)
    if not reg.policy.can_create(actor, values):
        raise Forbidden()
    _refuse_masked(reg, values)
    if reg.validate is not None:
        reg.validate(session, actor, values, None)
    _check_natural_key(session, reg, values, None)
    collect_warnings(session, actor, reg, values, None)
    extra = _pop_extra(reg, values)
    obj: Any = reg.model(**values)
    if hasattr(obj, "is_demo"):
        obj.is_demo = is_demo
    session.add(obj)
    _flush(session, reg)
    if reg.apply_extra is not None:
        reg.apply_extra(session, obj, extra)
        _flush(session, reg)
    session.refresh(obj)
    obj = get_record(session, Actor.system(), reg, obj.id)
    audit.record(
        session,
        actor,
        audit_action,
        reg.name,
        obj.id,
        summary=f"新增{reg.label}：{reg.title_of(obj)}",
        after=snapshot(reg, obj),
    )
    for hook in reg.after_save:
        hook(session, actor, obj)
    result: M = obj
    return result


def _check_natural_key(
    session: Session, reg: Register[Any], values: Mapping[str, Any], current: Any
) -> None:
    if not reg.natural_key:
        return
    found: Any = RegisterRepository(session, reg).find_by_natural_key(values)
    if found is not None and (current is None or found.id != current.id):
        headers = {c.field: c.header for c in reg.columns}
        fields = {k: f"已存在相同的{reg.label}（{headers.get(k, k)}重复）" for k in reg.natural_key}
        raise Duplicate(f"已存在相同的{reg.label}：{reg.title_of(found)}。", fields=fields)


def _pop_extra(reg: Register[Any], values: dict[str, Any]) -> dict[str, Any]:
    """Values that are not plain columns go to ``apply_extra`` (e.g. a list of linked ids)."""
    mapper_keys = set(reg.model.__mapper__.column_attrs.keys())
    extra = {k: values.pop(k) for k in list(values) if k not in mapper_keys}
    return extra


def update_record(
    session: Session,
    actor: Actor,
    reg: Register[M],
    obj_id: int,
    payload: BaseModel | Mapping[str, Any],
    *,
    expected_version: int | None = None,
    audit_action: str = "update",
) -> M:
    _check_write_role(actor)
    obj: Any = get_record(session, actor, reg, obj_id)
    if not reg.policy.can_modify(actor, obj):
        raise Forbidden()
    values = build_values(payload, partial=True)
    table = reg.model.__tablename__  # type: ignore[attr-defined]
    declared = personal.fields_of(table)
    echoes = [
        n
        for n in values
        if n in declared and personal.is_masked_echo(table, n, getattr(obj, n), values[n])
    ]
    for name in echoes:
        # The masked form sent back (an edit form, an export re-imported): not a new value.
        del values[name]
    _refuse_masked(reg, values)
    version = values.pop("version", None)
    if expected_version is None:
        expected_version = version
    if expected_version is None:
        raise VersionRequired(extra={"current_version": obj.version})
    if expected_version != obj.version:
        raise Conflict(extra={"current_version": obj.version})
    before = snapshot(reg, obj)
    # Checks see typed values (dates, Decimals, enums), not the JSON form kept for the audit.
    current = reg.read_schema.model_validate(obj, from_attributes=True).model_dump()
    merged = {**current, **values}
    # The tenant first: a tenant may not move a row out of its own tenancy, and no other check
    # (validation, the natural key) may tell it what exists in another tenant's scope.
    if not reg.policy.can_keep(actor, merged):
        raise Forbidden()
    if reg.validate is not None:
        reg.validate(session, actor, merged, obj)
    _check_natural_key(session, reg, merged, obj)
    collect_warnings(session, actor, reg, merged, obj)
    apply_update(session, reg, obj, values)
    session.refresh(obj)
    obj = get_record(session, Actor.system(), reg, obj_id)
    after = snapshot(reg, obj)
    changed_before = {k: before.get(k) for k in after if before.get(k) != after.get(k)}
    changed_after = {k: after.get(k) for k in changed_before}
    audit.record(
        session,
        actor,
        audit_action,
        reg.name,
        obj_id,
        summary=f"修改{reg.label}：{reg.title_of(obj)}",
        before=changed_before,
        after=changed_after,
    )
    for hook in reg.after_save:
        hook(session, actor, obj)
    result: M = obj
    return result


def apply_update(
    session: Session,
    reg: Register[Any],
    obj: Any,
    values: Mapping[str, Any],
    *,
    flush: bool = True,
) -> None:
    """Change a register row: the one write path of updates (API, forms, CLI and imports).

    Sets the columns, attaches linked rows (``apply_extra``) and moves the version on. The
    version is the mapper's ``version_id_col``, so the UPDATE is conditional on the version this
    transaction read: of two concurrent writers exactly one changes the row and the other gets
    ``conflict``. With ``flush=False`` the caller flushes (an import flushes once per chunk).
    """
    values = dict(values)
    extra = _pop_extra(reg, values)
    for key, value in values.items():
        setattr(obj, key, value)
    # Always an UPDATE of the row, even when only linked rows change, so the version guards them.
    obj.version = obj.version + 1
    if flush:
        _flush(session, reg)
    if reg.apply_extra is not None and extra:
        reg.apply_extra(session, obj, extra)
        if flush:
            _flush(session, reg)


def delete_record(session: Session, actor: Actor, reg: Register[M], obj_id: int) -> None:
    _check_write_role(actor)
    obj: Any = get_record(session, actor, reg, obj_id)
    if not reg.policy.can_delete(actor, obj):
        raise Forbidden()
    before = snapshot(reg, obj)
    session.delete(obj)
    _flush(session, reg)
    audit.record(
        session,
        actor,
        "delete",
        reg.name,
        obj_id,
        summary=f"删除{reg.label}：{reg.title_of(obj)}",
        before=before,
    )
