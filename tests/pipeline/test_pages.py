"""Pipeline pages: start from a match card, advance through the form to 签订合同 (the project's
page shows the origin), errors come back as a flash, the list and the funnel page render."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shuanggao.pipeline.models import Collaboration
from tests.conftest import ClientFor
from tests.pipeline.world import build


def test_start_advance_and_project_origin_through_pages(
    session: Session, client_for: ClientFor
) -> None:
    w = build(session)
    client = client_for(w.ent)
    resp = client.post(
        "/pipeline/start", data={"match_id": str(w.match.id)}, follow_redirects=False
    )
    assert resp.status_code == 303, resp.text
    url = resp.headers["location"]
    cid = int(url.rsplit("/", 1)[1])
    for _ in range(4):
        version = session.get(Collaboration, cid)
        assert version is not None
        session.refresh(version)
        resp = client.post(
            f"{url}/advance",
            data={"version": str(version.version), "owner": "陈钊"},
            follow_redirects=False,
        )
        assert resp.status_code == 303
    row = session.get(Collaboration, cid)
    assert row is not None
    session.refresh(row)
    assert row.stage == "contract_signed" and row.project_id is not None
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-stage="contract_signed"' in page.text
    assert f'href="/r/projects/{row.project_id}"' in page.text
    # A stale form: nothing changes, the page says why.
    resp = client.post(f"{url}/advance", data={"version": "1"}, follow_redirects=True)
    assert resp.status_code == 200 and "已被他人修改" in resp.text
    session.refresh(row)
    assert row.stage == "contract_signed"
    project = client_for(w.province).get(f"/r/projects/{row.project_id}")
    assert 'data-origin="match"' in project.text
    assert f'href="/pipeline/{cid}"' in project.text
    listing = client_for(w.uni).get("/pipeline")
    assert f'href="/pipeline/{cid}"' in listing.text
    funnel = client_for(w.province).get("/pipeline/funnel?by=university")
    assert funnel.status_code == 200
    assert 'data-chart="pipeline-funnel"' in funnel.text
    assert w.university.name in funnel.text


def test_pages_of_other_tenants_answer_404(session: Session, client_for: ClientFor) -> None:
    w = build(session)
    client = client_for(w.ent)
    resp = client.post(
        "/pipeline/start", data={"match_id": str(w.match.id)}, follow_redirects=False
    )
    url = resp.headers["location"]
    stranger = client_for(w.stranger)
    assert stranger.get(url).status_code == 404
    assert w.demand.title not in stranger.get("/pipeline").text
