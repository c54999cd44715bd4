"""The conflict-of-interest declaration (利益冲突声明) register."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.conflicts import repository as repo
from shuanggao.conflicts.models import ConflictDeclaration
from shuanggao.conflicts.policy import DECLARATION_POLICY
from shuanggao.conflicts.rules import resolve_researcher, validate_declaration
from shuanggao.conflicts.schemas import (
    DeclarationCreate,
    DeclarationRead,
    DeclarationUpdate,
    TieKind,
)
from shuanggao.enterprises.refs import enterprise_ref
from shuanggao.kit.register import Column, Filter, Ref, Register
from shuanggao.pairings.schemas import one_of


def _username(session: Session, user_id: int) -> str | None:
    return repo.username_of(session, user_id)


def researcher_ref() -> Ref:
    def render(obj: Any) -> Any:
        return obj.researcher_username

    return Ref(target="users", resolve=resolve_researcher, render=render, name_of=_username)


conflict_declarations = Register(
    name="conflict_declarations",
    label="利益冲突声明",
    model=ConflictDeclaration,
    create_schema=DeclarationCreate,
    update_schema=DeclarationUpdate,
    read_schema=DeclarationRead,
    columns=[
        Column(
            "user_id",
            "申报人账号",
            example="pengjichang",
            help="科研人员本人申报时可不填；省级管理员代为登记时填写其账号",
            ref=researcher_ref(),
        ),
        Column(
            "enterprise_id",
            "关联企业",
            example="江苏林洋储能技术有限公司",
            help="已在平台登记的企业：企业名称或统一社会信用代码",
            ref=enterprise_ref(),
        ),
        Column("enterprise_name", "企业名称（未登记）", example="南京某某科技有限公司"),
        Column(
            "credit_code",
            "统一社会信用代码（未登记）",
            example="91320100MA1XXXXXXX",
            help="18 位；未在平台登记的企业填写",
        ),
        Column("kind", "关系类型", required=True, example="持股", help=one_of(TieKind)),
        Column("from_date", "开始日期", example="2023-01-01", help="格式 YYYY-MM-DD"),
        Column("to_date", "结束日期", example="", help="格式 YYYY-MM-DD；仍在持续的不填"),
        Column("note", "说明", example="配偶任该公司监事"),
    ],
    # One declaration per researcher, firm and kind of tie (how an import finds the row again).
    natural_key=("user_id", "enterprise_id", "enterprise_name", "credit_code", "kind"),
    search_fields=("enterprise_name", "credit_code", "note"),
    filters=(
        Filter("user_id", "user_id", "申报人", int),
        Filter("university_id", "university_id", "高校", int),
        Filter("enterprise_id", "enterprise_id", "关联企业", int),
        Filter("kind", "kind", "关系类型"),
    ),
    sort_fields=("id", "kind", "from_date", "to_date"),
    default_sort="id",
    policy=DECLARATION_POLICY,
    load_options=repo.DECLARATION_LOAD,
    title_attr="title",
    validate=validate_declaration,
    description=(
        "科研人员申报的与企业的关系（任职、持股、近亲属企业、既往合同）；"
        "本人、所在高校管理员和省级管理员可见。匹配结果与对接会日程据此标注或排除利益冲突。"
    ),
)
