"""Self-service access and deletion of one's own personal information (see the package doc)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.accounts import passwords
from shuanggao.accounts import repository as accounts_repo
from shuanggao.accounts.consent import PURPOSE_LABELS
from shuanggao.accounts.models import User
from shuanggao.actor import ROLE_LABELS, Actor, Role
from shuanggao.audit import service as audit
from shuanggao.db.types import utcnow
from shuanggao.errors import Forbidden, Unauthenticated, ValidationFailed
from shuanggao.privacy import held, roles
from shuanggao.privacy import repository as repo
from shuanggao.privacy.pseudonym import pseudonym

ANONYMISED_NAME = "已注销用户"


def _me(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or user.anonymised_at is not None:
        raise Unauthenticated()
    return user


def personal_data(session: Session, actor: Actor) -> dict[str, list[dict[str, Any]]]:
    """Everything held about the signed-in person, as sections of rows (PIPL 45)."""
    user = _me(session, actor)
    audit.record(session, actor, "personal_export", "users", user.id, summary="下载本人个人信息")
    workflow = held.sections(session, user)
    acting = roles.sections(session, user)
    return {
        "账号": [
            {
                "用户名": user.username,
                "姓名": user.display_name,
                "角色": ROLE_LABELS[Role(user.role)],
                "所属高新区编号": user.zone_id,
                "所属高校编号": user.university_id,
                "所属企业编号": user.enterprise_id,
                "创建时间": held.iso_time(user.created_at),
                "最近登录": held.iso_time(user.last_login_at),
                "已绑定身份验证器": user.totp_enabled,
                "同意的个人信息处理规则版本": user.privacy_notice_version,
                "同意机器匹配推荐": not user.matching_opt_out,
            }
        ],
        "授权记录": [
            {
                "事项": PURPOSE_LABELS.get(r.purpose, r.purpose),
                "事项代码": r.purpose,
                "规则版本": r.notice_version,
                "同意": r.granted,
                "时间": held.iso_time(r.at),
                "撤回时间": held.iso_time(r.withdrawn_at),
            }
            for r in repo.consents(session, user.id)
        ],
        "登录会话": [
            {
                "开始时间": held.iso_time(s.created_at),
                "最近活动": held.iso_time(s.last_seen_at),
                "IP": s.ip,
                "浏览器": s.user_agent,
            }
            for s in repo.sessions(session, user.id)
        ],
        "API 令牌": [
            {
                "名称": t.name,
                "前缀": t.prefix,
                "创建时间": held.iso_time(t.created_at),
                "吊销时间": held.iso_time(t.revoked_at),
            }
            for t in repo.tokens(session, user.id)
        ],
        "负责的技术供给": [
            {
                "编号": i.id,
                "名称": i.title,
                "负责人": i.owner_name,
                "类型": i.kind,
                "是否公开": i.is_public,
            }
            for i in repo.supply_items(session, user.id)
        ],
        "实践项目": [
            {
                "编号": p.id,
                "题目": p.title,
                "学历层次": p.degree_level,
                "专业": p.major,
                "状态": p.state,
                "开始日期": held.iso_time(p.start_date),
                "成果": p.outcome_title,
            }
            for p in repo.practice_projects(session, user.id)
        ],
        **workflow,
        **acting,
        "本人操作记录": [
            {
                "时间": held.iso_time(e.at),
                "操作": audit.action_label(e.action),
                "对象": e.entity,
                "对象编号": e.entity_id,
                "摘要": e.summary,
                "IP": e.ip,
            }
            for e in repo.own_audit_rows(session, user.id)
        ],
    }


def anonymise(session: Session, actor: Actor, user: User, secret_key: str, reason: str) -> str:
    """Replace the account's personal fields; keep the rows (counts, links, audit chain)."""
    if user.anonymised_at is not None:
        return user.username
    alias = pseudonym(secret_key, user.id)
    now = utcnow()
    terms = [user.username, user.display_name or ""]
    held.clear(session, user, user.username)
    roles.clear(session, user, user.username)
    user.username = alias.replace("匿名用户-", "anon-")
    user.display_name = ANONYMISED_NAME
    user.is_active = False
    user.password_hash = passwords.hash_password(secrets.token_urlsafe(32))
    user.totp_enabled = False
    user.totp_secret_enc = None
    user.totp_last_step = None
    user.matching_opt_out = True
    user.anonymised_at = now
    accounts_repo.delete_recovery_codes(session, user.id)
    repo.delete_sessions(session, user.id)
    repo.revoke_tokens(session, user.id, now)
    for item in repo.supply_items(session, user.id):
        item.owner_name = None
        item.owner_user_id = None
    # The record of the deletion names the pseudonym only, and the audit rows about the person
    # lose their name and typed text; the hash chain stays valid (PIPL 47; checklist PI-06).
    own = actor.user_id == user.id
    audit.erase_subject(
        session,
        Actor(role=actor.role, user_id=actor.user_id, username=alias if own else actor.username),
        user.id,
        terms,
        alias=alias,
        summary=f"个人信息匿名化：{alias}（{reason}）",
    )
    session.flush()
    return alias


def delete_my_data(session: Session, actor: Actor, password: str, secret_key: str) -> str:
    """The person's own deletion request, confirmed with their password."""
    user = _me(session, actor)
    if not passwords.verify_password(user.password_hash, password):
        raise ValidationFailed(fields={"password": "密码不正确"})
    if Role(user.role) in (Role.PROVINCE_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR):
        raise Forbidden("管理员账号须由安全管理员办理注销，不能自助删除。")
    return anonymise(session, actor, user, secret_key, "本人申请删除")
