"""The audit trail as people read it: actions and object types in Chinese, and a change's
fields by their register's Chinese headers, enums by their labels, references by the record's
name (``university_id 784`` → ``所属高校 南京工程学院``).

Used by the audit page and the audit exports. The stored events keep the raw field names and
values (the hash chain covers them); only what is shown is translated.
"""

from __future__ import annotations

import json
import types
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from sqlalchemy.orm import Session

from shuanggao.audit.service import ACTION_LABELS
from shuanggao.imports.fields import FieldSpec, enum_label, field_specs
from shuanggao.kit.register import Register, all_registers

# Actions other domains record that ``audit.service`` does not name.
EXTRA_ACTIONS: dict[str, str] = {
    "submit": "提交",
    "approve": "审核通过",
    "return": "退回",
    "triage": "需求梳理",
    "dissolve": "解散",
    "match": "匹配",
    "match_feedback": "匹配反馈",
    "reference_load": "载入参考数据",
    "remind": "填报提醒",
    "accept": "确认指导",
    "milestone": "实践计划节点",
    "report": "进展报告",
    "report_read": "批阅进展报告",
    "meeting": "指导会议",
    "evidence": "上传佐证材料",
    "score": "评分",
    "sign": "签字",
    "decide": "裁定",
}
# Audit entities that are not registers.
OTHER_ENTITIES: dict[str, str] = {
    "users": "账号",
    "audit": "审计日志",
    "matches": "匹配结果",
    "demand_groups": "合并需求组",
    "api_tokens": "API 令牌",
    "report_reminders": "填报提醒",
    "practice_projects": "双导师实践项目",
    "mentoring_rubrics": "成果评分细则",
    "mentor_declarations": "导师利益关系申报",
}
# Fields many records carry that no import column names.
COMMON_FIELDS: dict[str, str] = {
    "id": "编号",
    "version": "版本",
    "created_at": "创建时间",
    "updated_at": "更新时间",
    "is_demo": "演示数据",
    "status": "状态",
    "rows": "行数",
    "triage_state": "梳理状态",
    "owner_user_id": "登记人账号",
    "role": "角色",
    "username": "用户名",
    "display_name": "姓名",
    "is_active": "启用",
}
EMPTY = "—"


def all_actions() -> dict[str, str]:
    return {**EXTRA_ACTIONS, **ACTION_LABELS}


def action_label(action: str) -> str:
    return all_actions().get(action, action)


def entity_labels() -> dict[str, str]:
    labels = {reg.name: reg.label for reg in all_registers()}
    labels.update(OTHER_ENTITIES)
    return labels


def entity_label(entity: str) -> str:
    return entity_labels().get(entity, entity)


@dataclass(frozen=True)
class ChangeRow:
    field: str  # the stored key
    label: str  # its Chinese header
    before: str
    after: str


def _register(entity: str) -> Register[Any] | None:
    for reg in all_registers():
        if reg.name == entity:
            return reg
    return None


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType, list, set, tuple):
            args = [a for a in get_args(tp) if a is not type(None)]
            tp = args[0] if args else str
        else:
            return tp


def _enum_of(reg: Register[Any] | None, spec: FieldSpec | None, name: str) -> type[Enum] | None:
    if spec is not None and spec.enum is not None:
        return spec.enum
    if reg is None:
        return None
    info = reg.read_schema.model_fields.get(name)
    if info is None:
        return None
    tp = _unwrap(info.annotation)
    return tp if isinstance(tp, type) and issubclass(tp, Enum) else None


class ChangeReader:
    """Turns the before/after of events into labelled rows; caches the names it looks up."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._names: dict[tuple[int, int], str] = {}

    def rows(
        self,
        entity: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> list[ChangeRow]:
        reg = _register(entity)
        specs = {s.field: s for s in field_specs(reg)} if reg is not None else {}
        before, after = before or {}, after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        out: list[ChangeRow] = []
        for key in keys:
            spec = specs.get(key)
            label = spec.header if spec is not None else COMMON_FIELDS.get(key, key)
            enum = _enum_of(reg, spec, key)
            out.append(
                ChangeRow(
                    field=key,
                    label=label,
                    before=self.text(spec, enum, before.get(key)),
                    after=self.text(spec, enum, after.get(key)),
                )
            )
        return out

    def text(self, spec: FieldSpec | None, enum: type[Enum] | None, value: Any) -> str:
        if value is None or value == "" or value == []:
            return EMPTY
        if isinstance(value, list):
            return "；".join(self.text(spec, enum, v) for v in value)
        if isinstance(value, bool):
            return "是" if value else "否"
        if spec is not None and spec.column.ref is not None and isinstance(value, int):
            return self._name(spec, value)
        if enum is not None:
            return str(enum_label(enum, value))
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        return str(value)

    def _name(self, spec: FieldSpec, target_id: int) -> str:
        ref = spec.column.ref
        assert ref is not None
        key = (id(ref), target_id)
        if key not in self._names:
            name = ref.name_of(self.session, target_id) if ref.name_of is not None else None
            self._names[key] = name if name is not None else f"#{target_id}（已删除）"
        return self._names[key]

    def flat(
        self, entity: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
    ) -> tuple[str, str]:
        """修改前 and 修改后 of an export row: ``所属高校：南京工程学院；类型：科技成果``."""
        rows = self.rows(entity, before, after)
        return (
            "；".join(f"{r.label}：{r.before}" for r in rows if r.field in (before or {})),
            "；".join(f"{r.label}：{r.after}" for r in rows if r.field in (after or {})),
        )
