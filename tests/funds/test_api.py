from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.funds import repository
from shuanggao.funds.models import ConversionFund, Funding, FundInvestment
from tests.conftest import ClientFor
from tests.factories import (
    create_conversion_fund,
    create_enterprise,
    create_fund_investment,
    create_funding,
    create_pairing,
    create_project,
    create_university,
    create_zone,
    version_of,
)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_fund_amounts_are_exact_decimal_yuan(admin_client: TestClient, session: Session) -> None:
    zone = create_zone(session)
    resp = admin_client.post(
        "/api/v1/conversion_funds",
        json={
            "name": "江阴高新区双高协同成果转化基金",
            "zone_id": zone.id,
            "size": "0.3",
            "status": "已设立",
        },
    )
    assert resp.status_code == 201, resp.text
    fund = resp.json()
    assert fund["size"] == "0.30"
    assert fund["status"] == "established"
    assert fund["invested"] == "0.00"
    for amount, day in ((0.1, "2025-12-01"), ("0.2", "2025-12-02")):
        made = admin_client.post(
            "/api/v1/fund_investments",
            json={
                "fund_id": fund["id"],
                "investee_name": f"企业{day}",
                "amount": amount,
                "invest_date": day,
            },
        )
        assert made.status_code == 201, made.text
    again = admin_client.get(f"/api/v1/conversion_funds/{fund['id']}").json()
    assert again["invested"] == "0.30"
    assert again["available"] == "0.00"
    assert repository.invested_total(session, fund["id"]) == Decimal("0.30")


def test_more_than_two_decimals_is_refused(admin_client: TestClient, session: Session) -> None:
    zone, uni = create_zone(session), create_university(session)
    resp = admin_client.post(
        "/api/v1/fundings",
        json={
            "title": "首期经费",
            "zone_id": zone.id,
            "university_id": uni.id,
            "payer_kind": "企业",
            "payer_name": "江苏林洋储能技术有限公司",
            "amount": "100.005",
            "funding_date": "2025-09-01",
        },
    )
    assert resp.status_code == 422
    body = resp.json()
    assert body["error"] == "validation_error"
    assert set(body["fields"]) == {"amount"}
    assert "分" in body["fields"]["amount"]
    float_noise = admin_client.post(
        "/api/v1/fundings",
        json={
            "title": "首期经费",
            "zone_id": zone.id,
            "university_id": uni.id,
            "payer_kind": "enterprise",
            "payer_name": "某企业",
            "amount": 0.30000000000000004,
            "funding_date": "2025-09-01",
        },
    )
    assert float_noise.status_code == 422
    assert set(float_noise.json()["fields"]) == {"amount"}
    for huge in ("1E+30", "-0.5"):
        refused = admin_client.post(
            "/api/v1/fundings",
            json={
                "title": "首期经费",
                "zone_id": zone.id,
                "university_id": uni.id,
                "payer_kind": "enterprise",
                "payer_name": "某企业",
                "amount": huge,
                "funding_date": "2025-09-01",
            },
        )
        assert refused.status_code == 422, huge
        assert set(refused.json()["fields"]) == {"amount"}
    assert _count(session, Funding) == 0


def test_investments_may_not_exceed_the_fund_size(
    admin_client: TestClient, session: Session
) -> None:
    fund = create_conversion_fund(session, size=Decimal("1000000.00"))
    create_fund_investment(session, fund=fund, amount=Decimal("600000.00"))
    over = admin_client.post(
        "/api/v1/fund_investments",
        json={
            "fund_id": fund.id,
            "investee_name": "江苏澄测科技有限公司",
            "amount": "400000.01",
            "invest_date": "2026-01-15",
        },
    )
    assert over.status_code == 422
    body = over.json()
    assert set(body["fields"]) == {"amount"}
    assert "400,000.00" in body["detail"]
    assert _count(session, FundInvestment) == 1
    exact = admin_client.post(
        "/api/v1/fund_investments",
        json={
            "fund_id": fund.id,
            "investee_name": "江苏澄测科技有限公司",
            "amount": "400000.00",
            "invest_date": "2026-01-15",
        },
    )
    assert exact.status_code == 201, exact.text
    # Raising an existing investment past the size is refused as well.
    raised = admin_client.patch(
        f"/api/v1/fund_investments/{exact.json()['id']}",
        json={"amount": "400000.01", "version": exact.json()["version"]},
    )
    assert raised.status_code == 422
    assert repository.invested_total(session, fund.id) == Decimal("1000000.00")


def test_fund_size_cannot_drop_below_invested(admin_client: TestClient, session: Session) -> None:
    fund = create_conversion_fund(session, size=Decimal("1000000.00"))
    create_fund_investment(session, fund=fund, amount=Decimal("600000.00"))
    resp = admin_client.patch(
        f"/api/v1/conversion_funds/{fund.id}",
        json={"version": version_of(session, fund), "size": "599999.99"},
    )
    assert resp.status_code == 422
    assert set(resp.json()["fields"]) == {"size"}
    session.expire_all()
    assert session.get(ConversionFund, fund.id).size == Decimal("1000000.00")  # type: ignore[union-attr]


def test_investment_links_enterprise_and_project_of_the_zone(
    admin_client: TestClient, session: Session
) -> None:
    zone, other = create_zone(session), create_zone(session)
    fund = create_conversion_fund(session, zone=zone)
    enterprise = create_enterprise(session, zone=zone)
    foreign_project = create_project(session, zone=other)
    bad = admin_client.post(
        "/api/v1/fund_investments",
        json={
            "fund_id": fund.id,
            "investee_name": enterprise.name,
            "enterprise_id": enterprise.id,
            "project_id": foreign_project.id,
            "amount": "10",
            "invest_date": "2026-01-15",
        },
    )
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"project_id"}
    own_project = create_project(session, zone=zone)
    ok = admin_client.post(
        "/api/v1/fund_investments",
        json={
            "fund_id": fund.id,
            "investee_name": enterprise.name,
            "enterprise_id": enterprise.id,
            "project_id": own_project.id,
            "amount": "10",
            "invest_date": "2026-01-15",
        },
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["enterprise_name"] == enterprise.name
    assert ok.json()["project_title"] == own_project.title
    assert ok.json()["zone_id"] == zone.id


def test_zone_admin_invests_only_from_own_funds(client_for: ClientFor, session: Session) -> None:
    own, other = create_zone(session), create_zone(session)
    my_fund = create_conversion_fund(session, zone=own)
    their_fund = create_conversion_fund(session, zone=other)
    theirs = create_fund_investment(session, fund=their_fund)
    client = client_for(Actor(role=Role.ZONE_ADMIN, user_id=3, username="z", zone_id=own.id))
    assert [f["id"] for f in client.get("/api/v1/conversion_funds").json()["items"]] == [my_fund.id]
    assert client.get(f"/api/v1/fund_investments/{theirs.id}").status_code == 404
    denied = client.post(
        "/api/v1/fund_investments",
        json={
            "fund_id": their_fund.id,
            "investee_name": "某企业",
            "amount": "1",
            "invest_date": "2026-01-01",
        },
    )
    assert denied.status_code == 422
    assert set(denied.json()["fields"]) == {"fund_id"}
    assert (
        client.patch(
            f"/api/v1/fund_investments/{theirs.id}",
            json={"version": version_of(session, theirs), "amount": "2"},
        ).status_code
        == 404
    )
    assert _count(session, FundInvestment) == 1
    mine = client.post(
        "/api/v1/fund_investments",
        json={
            "fund_id": my_fund.id,
            "investee_name": "某企业",
            "amount": "1",
            "invest_date": "2026-01-01",
        },
    )
    assert mine.status_code == 201
    auditor = client_for(Actor(role=Role.AUDITOR, user_id=9, username="a"))
    assert auditor.get("/api/v1/fund_investments").json()["total"] == 2
    assert auditor.delete(f"/api/v1/fund_investments/{theirs.id}").status_code == 403
    assert _count(session, FundInvestment) == 2


def test_funding_needs_a_pairing_or_a_university(
    admin_client: TestClient, session: Session
) -> None:
    zone, uni = create_zone(session), create_university(session)
    pairing = create_pairing(session, zone=zone, universities=[uni])
    base = {
        "zone_id": zone.id,
        "payer_kind": "government",
        "payer_name": "江阴市财政局",
        "amount": "5000000",
        "funding_date": "2025-11-14",
    }
    neither = admin_client.post("/api/v1/fundings", json={**base, "title": "专项资金"})
    assert neither.status_code == 422
    assert set(neither.json()["fields"]) == {"university_id"}
    by_pairing = admin_client.post(
        "/api/v1/fundings", json={**base, "title": "专项资金", "pairing_id": pairing.id}
    )
    assert by_pairing.status_code == 201, by_pairing.text
    by_university = admin_client.post(
        "/api/v1/fundings", json={**base, "title": "年度合作经费", "university_id": uni.id}
    )
    assert by_university.status_code == 201
    dup = admin_client.post(
        "/api/v1/fundings", json={**base, "title": "专项资金", "university_id": uni.id}
    )
    assert dup.status_code == 409
    assert _count(session, Funding) == 2


def test_funding_total_is_exact(session: Session) -> None:
    zone = create_zone(session)
    for amount in ("0.10", "0.20", "1234567.89"):
        create_funding(session, zone=zone, amount=Decimal(amount))
    create_funding(session, zone=zone, amount=Decimal("5"), funding_date=dt.date(2026, 1, 1))
    total = repository.funding_total(session, dt.date(2025, 12, 31), zone_id=zone.id)
    assert total == Decimal("1234568.19")
    assert repository.funding_total(session, dt.date(2025, 9, 30), zone_id=zone.id) == 0


def test_university_admin_reads_funding_of_its_pairings(
    client_for: ClientFor, session: Session
) -> None:
    zone, uni, other_uni = (
        create_zone(session),
        create_university(session),
        create_university(session),
    )
    pairing = create_pairing(session, zone=zone, universities=[uni])
    via_pairing = create_funding(
        session, zone=zone, university=None, university_id=None, pairing_id=pairing.id
    )
    direct = create_funding(session, zone=zone, university=uni)
    create_funding(session, zone=zone, university=other_uni)
    client = client_for(
        Actor(role=Role.UNIVERSITY_ADMIN, user_id=4, username="u", university_id=uni.id)
    )
    ids = sorted(f["id"] for f in client.get("/api/v1/fundings").json()["items"])
    assert ids == sorted([via_pairing.id, direct.id])
