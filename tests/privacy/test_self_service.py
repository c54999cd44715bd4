"""Self-service access and deletion (PIPL 45, 47; checklist PI-05, PI-06)."""

from __future__ import annotations

import io
import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.accounts.models import ApiToken, User
from shuanggao.actor import Actor, Role
from shuanggao.audit import chain
from shuanggao.audit import service as audit
from shuanggao.supply.models import SupplyItem
from tests.conftest import ClientFor
from tests.factories import TEST_PASSWORD, create_supply_item, create_university, create_user


def test_export_holds_my_data_and_nobody_elses(session: Session, client_for: ClientFor) -> None:
    uni = create_university(session)
    me = create_user(session, "researcher", university_id=uni.id, display_name="张三丰")
    other = create_user(session, "researcher", university_id=uni.id, display_name="李四光")
    create_supply_item(session, uni, title="我的储能成果", owner_name="张三丰", owner_user_id=me.id)
    create_supply_item(
        session, uni, title="别人的成果", owner_name="李四光", owner_user_id=other.id
    )
    session.flush()
    client = client_for(me.actor())
    assert client.post("/api/v1/auth/consent/matching", json={"allowed": False}).status_code == 200
    resp = client.get("/api/v1/me/personal-data", params={"format": "json"})
    assert resp.status_code == 200, resp.text
    assert "attachment" in resp.headers["content-disposition"]
    data = json.loads(resp.content)
    assert data["账号"][0]["姓名"] == "张三丰" and data["账号"][0]["同意机器匹配推荐"] is False
    assert [i["名称"] for i in data["负责的技术供给"]] == ["我的储能成果"]
    assert [r["同意"] for r in data["授权记录"]] == [False]
    assert "李四光" not in resp.text and "别人的成果" not in resp.text
    xlsx = client.get("/api/v1/me/personal-data", params={"format": "xlsx"})
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert {"账号", "授权记录", "负责的技术供给", "本人操作记录"} <= set(book.sheetnames)
    cells = [c for row in book["负责的技术供给"].iter_rows(values_only=True) for c in row]
    assert "我的储能成果" in cells and "别人的成果" not in cells


def test_deletion_anonymises_and_the_audit_shows_a_pseudonym(
    app: FastAPI, session: Session, client_for: ClientFor
) -> None:
    uni = create_university(session)
    me = create_user(session, "researcher", university_id=uni.id, display_name="王五")
    item = create_supply_item(
        session, uni, title="储能成果", owner_name="王五", owner_user_id=me.id
    )
    session.add(ApiToken(user_id=me.id, name="t", token_hash="b" * 64, prefix="sg_x"))
    audit.record(session, me.actor(), "update", "supply_items", item.id, summary="修改成果")
    session.flush()
    old_name = me.username
    client = client_for(me.actor())
    wrong = client.post("/api/v1/me/deletion", json={"password": "not-my-password-1"})
    assert wrong.status_code == 422 and "password" in wrong.json()["fields"]
    session.expire_all()
    assert session.get(User, me.id).anonymised_at is None  # type: ignore[union-attr]
    done = client.post("/api/v1/me/deletion", json={"password": TEST_PASSWORD})
    assert done.status_code == 200, done.text
    alias = done.json()["pseudonym"]
    assert alias.startswith("匿名用户-") and "王五" not in alias
    session.expire_all()
    user = session.get(User, me.id)
    assert user is not None and user.anonymised_at is not None and not user.is_active
    assert user.display_name == "已注销用户" and user.username != old_name
    assert user.matching_opt_out is True
    stored = session.get(SupplyItem, item.id)
    assert stored is not None and stored.owner_name is None and stored.owner_user_id is None
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == me.id)).all()
    assert all(t.revoked_at is not None for t in tokens)
    # The auditor reads the pseudonym, never the name; the chain still verifies.
    auditor = client_for(Actor(role=Role.AUDITOR, user_id=None, username="aud"))
    listing = auditor.get("/api/v1/audit", params={"page_size": 200}).text
    assert alias in listing and old_name not in listing and "王五" not in listing
    assert chain.walk(session).ok
    with TestClient(app, raise_server_exceptions=False) as c:
        again = c.post("/api/v1/auth/login", json={"username": old_name, "password": TEST_PASSWORD})
        assert again.status_code == 401


def test_administrators_cannot_delete_themselves(session: Session, client_for: ClientFor) -> None:
    admin = create_user(session, "province_admin", is_demo=True)
    resp = client_for(admin.actor()).post("/api/v1/me/deletion", json={"password": TEST_PASSWORD})
    assert resp.status_code == 403
    session.expire_all()
    assert session.get(User, admin.id).anonymised_at is None  # type: ignore[union-attr]
