"""The conflict check others import: declared ties (by id, credit code, name), same-organisation
pairs, the cooling-off window, and the table names the repository uses for accounts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from shuanggao.accounts.models import User
from shuanggao.actor import Role
from shuanggao.conflicts import repository as repo
from shuanggao.conflicts.models import APP_USER
from shuanggao.conflicts.rules import (
    COOLING_OFF_DAYS,
    SAME_ORGANISATION,
    conflicting_pairs,
    conflicts_for_user,
)
from tests.factories import (
    create_conflict_declaration,
    create_enterprise,
    create_user,
    valid_credit_code,
)

TODAY = dt.date(2026, 6, 1)


def test_named_tables_match_the_accounts_model() -> None:
    model = User.__table__
    for named in (repo.USERS, APP_USER):
        assert named.name == model.name
        assert {c.name for c in named.c} <= {c.name for c in model.c}


def test_declared_ties_by_id_code_and_name(session: Session) -> None:
    researcher = create_user(session, Role.RESEARCHER)
    other = create_user(session, Role.RESEARCHER)
    by_id, by_code, by_name, free = (create_enterprise(session) for _ in range(4))
    by_name.name = "南京 储能安全科技有限公司"
    session.flush()
    create_conflict_declaration(session, researcher, by_id, kind="employer")
    create_conflict_declaration(
        session, researcher, enterprise_id=None, credit_code=by_code.credit_code, kind="relative"
    )
    create_conflict_declaration(
        session, researcher, enterprise_id=None, enterprise_name="南京储能安全科技有限公司"
    )
    pairs = [(researcher.id, e.id) for e in (by_id, by_code, by_name, free)]
    pairs += [(other.id, by_id.id), (None, by_id.id)]
    found = conflicting_pairs(session, pairs, today=TODAY)
    assert set(found) == {(researcher.id, by_id.id), (researcher.id, by_code.id),
                          (researcher.id, by_name.id)}  # fmt: skip
    assert "任职/兼职单位" in found[(researcher.id, by_id.id)]
    assert "近亲属企业" in found[(researcher.id, by_code.id)]
    assert "持股" in found[(researcher.id, by_name.id)]


def test_same_organisation_pair(session: Session) -> None:
    firm = create_enterprise(session)
    mentor = create_user(session, Role.MENTOR, enterprise_id=firm.id)
    assert conflicting_pairs(session, [(mentor.id, firm.id)], today=TODAY) == {
        (mentor.id, firm.id): SAME_ORGANISATION
    }
    kinds = [c.kind for c in conflicts_for_user(session, mentor.id, today=TODAY)]
    assert kinds == ["same_organisation"]


def test_window_of_a_tie(session: Session) -> None:
    researcher = create_user(session, Role.RESEARCHER)
    ended_long_ago, ended_recently, not_started = (create_enterprise(session) for _ in range(3))
    create_conflict_declaration(
        session, researcher, ended_long_ago,
        to_date=TODAY - dt.timedelta(days=COOLING_OFF_DAYS + 1),
    )  # fmt: skip
    create_conflict_declaration(
        session, researcher, ended_recently, to_date=TODAY - dt.timedelta(days=30)
    )
    create_conflict_declaration(
        session, researcher, not_started, from_date=TODAY + dt.timedelta(days=1)
    )
    pairs = [(researcher.id, e.id) for e in (ended_long_ago, ended_recently, not_started)]
    assert set(conflicting_pairs(session, pairs, today=TODAY)) == {
        (researcher.id, ended_recently.id)
    }
    listed = conflicts_for_user(session, researcher.id, today=TODAY)
    assert [c.enterprise_id for c in listed] == [ended_recently.id]
    assert listed[0].declaration_id is not None


def test_no_pairs_no_queries(session: Session) -> None:
    assert conflicting_pairs(session, []) == {}
    assert conflicting_pairs(session, [(None, 1)]) == {}


def test_credit_code_helper_is_valid() -> None:
    assert len(valid_credit_code(7)) == 18
