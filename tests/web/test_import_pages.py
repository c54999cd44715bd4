"""Import through the pages: upload, the table of bad rows, confirm, the result."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.web import tasks
from shuanggao.zones.models import Zone
from tests.conftest import ClientFor

HEADER = "高新区简称,全称,级别,所在设区市\n"
BAD = HEADER + "导入甲高新区,导入甲,国家级,南京市\n导入乙高新区,导入乙,超级,\n"
GOOD = HEADER + "导入甲高新区,导入甲,国家级,南京市\n导入乙高新区,导入乙,省级,苏州市\n"


def follow_task(client: TestClient, location: str) -> str:
    """Wait for the background task behind a progress page; return where it sends the user."""
    match = re.fullmatch(r"/r/zones/import/tasks/([\w-]+)", location)
    assert match is not None, location
    state = tasks.wait(match.group(1))
    assert state is not None and state.finished
    assert state.error is None, state.error
    response = client.get(location, follow_redirects=False)
    assert response.status_code == 303
    return str(response.headers["location"])


def upload(client: TestClient, text: str) -> str:
    response = client.post(
        "/r/zones/import",
        files={"file": ("zones.csv", text.encode("utf-8"), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return follow_task(client, response.headers["location"])


def zone_names(session: Session) -> list[str]:
    stmt = select(Zone.name).where(Zone.name.like("导入%")).order_by(Zone.name)
    return list(session.scalars(stmt))


def test_bad_file_shows_every_bad_row_and_writes_nothing(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    client = client_for(province)
    job_url = upload(client, BAD)
    page = client.get(job_url)
    assert page.status_code == 200
    assert 'id="import-rejected"' in page.text
    rows = re.findall(
        r'<tr><td class="num">(\d+)</td><td class="nowrap">([^<]*)</td><td>([^<]*)</td></tr>',
        page.text,
    )
    assert [(r[0], r[1]) for r in rows] == [("3", "级别"), ("3", "所在设区市")]
    assert rows[1][2] == "必填项，不能为空"
    assert 'id="confirm-import"' not in page.text
    assert zone_names(session) == []


def test_the_error_rows_card_counts_rows_and_an_unknown_industry_code_is_refused(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    text = (
        "高新区简称,全称,级别,所在设区市,国民经济行业代码\n"
        "导入甲高新区,导入甲,国家级,南京市,C3973\n"
        "导入乙高新区,导入乙,超级,,C99\n"
        "导入丙高新区,导入丙,省级,苏州市,A3841\n"
    )
    client = client_for(province)
    page = client.get(upload(client, text)).text
    rows = re.findall(
        r'<tr><td class="num">(\d+)</td><td class="nowrap">([^<]*)</td><td>([^<]*)</td></tr>', page
    )
    assert [(r[0], r[1]) for r in rows] == [
        ("3", "级别"),
        ("3", "所在设区市"),
        ("3", "国民经济行业代码"),
        ("4", "国民经济行业代码"),
    ]
    assert "C99" in rows[2][2] and "A3841" in rows[3][2]
    assert re.search(r'id="count-error-rows">2<', page)
    assert zone_names(session) == []


def test_good_file_is_previewed_then_written_on_confirm(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    client = client_for(province)
    job_url = upload(client, GOOD)
    page = client.get(job_url)
    assert 'id="import-ok"' in page.text
    assert 'id="confirm-import"' in page.text
    assert re.search(r'id="count-created">2<', page.text)
    assert zone_names(session) == []

    response = client.post(f"{job_url}/apply", follow_redirects=False)
    assert response.status_code == 303
    assert follow_task(client, response.headers["location"]) == job_url
    page = client.get(job_url)
    assert 'id="import-done"' in page.text
    assert zone_names(session) == ["导入乙高新区", "导入甲高新区"]


def test_not_a_spreadsheet_is_refused_with_a_message(
    session: Session, client_for: ClientFor, province: Actor
) -> None:
    client = client_for(province)
    response = client.post(
        "/r/zones/import",
        files={"file": ("zones.xlsx", b"this is not a zip", "application/octet-stream")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    match = re.fullmatch(r"/r/zones/import/tasks/([\w-]+)", response.headers["location"])
    assert match is not None
    state = tasks.wait(match.group(1))
    assert state is not None and state.error
    page = client.get(response.headers["location"])
    assert 'id="task-error"' in page.text
    assert zone_names(session) == []


def test_missing_file_is_a_form_error(client_for: ClientFor, province: Actor) -> None:
    response = client_for(province).post("/r/zones/import", data={})
    assert response.status_code == 422
    assert 'id="upload-error"' in response.text


def test_another_users_task_is_not_found(client_for: ClientFor, province: Actor) -> None:
    client = client_for(province)
    response = client.post(
        "/r/zones/import",
        files={"file": ("zones.csv", GOOD.encode("utf-8"), "text/csv")},
        follow_redirects=False,
    )
    location = response.headers["location"]
    token = location.rsplit("/", 1)[1]
    tasks.wait(token)
    other = client_for(Actor(role=province.role, user_id=77, username="someone_else"))
    assert other.get(location).status_code == 404


def test_a_task_is_read_as_a_snapshot_so_a_page_never_mixes_two_states() -> None:
    """The progress page decides (send on, or poll) and renders from one state: a task that
    finishes meanwhile must not give a page showing 已完成 with neither redirect nor polling."""
    import threading

    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    gate = threading.Event()

    def work(session: Session, progress: tasks.Progress) -> str:
        progress("validate", 1, 2)
        assert gate.wait(10)
        return "/r/zones/import/jobs/1"

    engine = create_engine("sqlite://")
    try:
        state, launch = tasks.start(
            sessionmaker(bind=engine), owner="snapshot-test", title="t", back_url="/", work=work
        )
        launch.func()
        seen = tasks.get(state.token, "snapshot-test")
        assert seen is not None and not seen.finished
        gate.set()
        done = tasks.wait(state.token)
        assert done is not None and done.finished and done.result_url == "/r/zones/import/jobs/1"
        # The page's snapshot did not change under it; a fresh read sees the end.
        assert not seen.finished and seen.result_url is None
        again = tasks.get(state.token, "snapshot-test")
        assert again is not None and again.finished
        assert tasks.get(state.token, "someone-else") is None
    finally:
        engine.dispose()
