"""Every register, the moment it is listed in ``shuanggao/domains.py``: reads (API and pages) within
stored query-count baselines, and update, delete and create through the API (NetBox's
``utilities/testing`` idea). The other generic suites over every register: imports and exports
(``tests/imports/test_every_register.py``) and each role's permissions on each register
(``tests/security/test_isolation.py``).

Query counts: ``query_baselines.json`` holds, per register, the statements of the list and detail
endpoints and pages with three records. A test fails when a count rises above its baseline, and
when a list's count grows with the number of records (an N+1). A new register fails until its
baseline is recorded: ``SHUANGGAO_WRITE_QUERY_BASELINES=1 pytest tests/kit/test_registers.py``
writes the file (check the numbers before committing them).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuanggao import domains
from shuanggao.actor import Actor
from shuanggao.imports.fields import field_specs
from shuanggao.kit import service as kit
from shuanggao.kit.register import Register, get_register
from tests.conftest import ClientFor
from tests.web.conftest import count_queries, make_record

__all__ = ["count_queries"]  # a fixture of the page tests, used here too

NAMES = [reg.name for reg in domains.REGISTERS]
BASELINES = Path(__file__).with_name("query_baselines.json")
WRITE_BASELINES = os.environ.get("SHUANGGAO_WRITE_QUERY_BASELINES") == "1"
NOTE = "通用测试备注"
RECORDS = 3


def h1_text(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert match is not None
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def state(session: Session, reg: Register[Any], obj_id: int) -> dict[str, Any] | None:
    """The row as the system reads it (None when gone)."""
    session.expire_all()
    try:
        obj = kit.get_record(session, Actor.system(), reg, obj_id)
    except Exception:  # NotFound
        return None
    return kit.snapshot(reg, obj)


def row_count(session: Session, reg: Register[Any]) -> int:
    return session.scalar(select(func.count()).select_from(reg.model)) or 0


def check_baseline(name: str, counts: dict[str, int]) -> None:
    stored: dict[str, dict[str, int]] = json.loads(BASELINES.read_text(encoding="utf-8"))
    if WRITE_BASELINES:
        stored[name] = counts
        text = json.dumps(dict(sorted(stored.items())), ensure_ascii=False, indent=2)
        BASELINES.write_text(text + "\n", encoding="utf-8")
        return
    assert name in stored, (
        f"no query baseline for register {name!r}: run "
        "SHUANGGAO_WRITE_QUERY_BASELINES=1 pytest tests/kit/test_registers.py"
    )
    mine = stored[name]
    over = {k: (got, mine.get(k)) for k, got in counts.items() if got > mine.get(k, -1)}
    assert over == {}, f"{name}: queries above baseline (measured, baseline): {over}"


def test_every_register_has_a_baseline() -> None:
    stored = json.loads(BASELINES.read_text(encoding="utf-8"))
    assert sorted(stored) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_reads_within_query_baselines(
    name: str,
    session: Session,
    client_for: ClientFor,
    province: Actor,
    count_queries: Callable[[], Any],
) -> None:
    reg = get_register(name)
    client = client_for(province)

    def measured(url: str) -> tuple[int, Any]:
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, (url, response.text[:300])
        return counter.count, response

    first = make_record(session, name)
    single = {
        "api_list": measured(f"/api/v1/{name}?page_size=50")[0],
        "page_list": measured(f"/r/{name}")[0],
    }
    objs = [first, *(make_record(session, name) for _ in range(RECORDS - 1))]
    session.expire_all()
    obj = objs[0]
    counts: dict[str, int] = {}

    counts["api_list"], listed = measured(f"/api/v1/{name}?page_size=50")
    assert {o.id for o in objs} <= {item["id"] for item in listed.json()["items"]}
    counts["api_detail"], detail = measured(f"/api/v1/{name}/{obj.id}")
    assert detail.json()["id"] == obj.id

    counts["page_list"], page = measured(f"/r/{name}")
    assert h1_text(page.text) == reg.label
    for o in objs:
        assert f'href="/r/{name}/{o.id}"' in page.text
    counts["page_detail"], page = measured(f"/r/{name}/{obj.id}")
    title = reg.title_of(kit.get_record(session, Actor.system(), reg, obj.id))
    assert h1_text(page.text).startswith(title)
    for spec in field_specs(reg):
        assert f'<th scope="row">{spec.header}</th>' in page.text

    # A list costs the same whatever the number of rows on the page: no query per row.
    assert {k: counts[k] for k in single} == single, f"{name}: list queries grow with rows"
    check_baseline(name, counts)

    new = client.get(f"/r/{name}/new")
    edit = client.get(f"/r/{name}/{obj.id}/edit")
    if not reg.policy.can_create(province, {}):
        # Registers nobody writes through the UI (national standards) offer no form.
        assert (new.status_code, edit.status_code) == (403, 403)
        return
    assert new.status_code == 200
    accepted = set(reg.create_schema.model_fields)
    for spec in field_specs(reg):
        if spec.field in accepted:
            assert f'id="f-{spec.field}"' in new.text, spec.field
    assert edit.status_code == 200
    assert f'name="version" value="{obj.version}"' in edit.text


def _note_field(reg: Register[Any]) -> str:
    fields = reg.update_schema.model_fields
    return "note" if "note" in fields else "description"


@pytest.mark.parametrize("name", NAMES)
def test_update_delete_and_create_through_the_api(
    name: str, session: Session, client_for: ClientFor, province: Actor
) -> None:
    reg = get_register(name)
    base = f"/api/v1/{name}"
    obj = make_record(session, name)
    before = state(session, reg, obj.id)
    assert before is not None
    field = _note_field(reg)
    client = client_for(province)

    if not reg.policy.can_create(province, {}):
        rows = row_count(session, reg)
        assert client.patch(f"{base}/{obj.id}", json={field: NOTE}).status_code == 403
        assert client.delete(f"{base}/{obj.id}").status_code == 403
        payload = {k: v for k, v in before.items() if k in reg.create_schema.model_fields}
        assert client.post(base, json=payload).status_code == 403
        assert (state(session, reg, obj.id), row_count(session, reg)) == (before, rows)
        return

    updated = client.patch(f"{base}/{obj.id}", json={field: NOTE, "version": obj.version})
    assert updated.status_code == 200, updated.text
    assert (updated.json()[field], updated.json()["version"]) == (NOTE, before["version"] + 1)
    stale = client.patch(f"{base}/{obj.id}", json={field: "旧版本", "version": before["version"]})
    assert (stale.status_code, stale.json()["error"]) == (409, "conflict")

    saved = state(session, reg, obj.id)
    assert saved is not None and saved[field] == NOTE
    payload = {
        k: v for k, v in saved.items() if k in reg.create_schema.model_fields and v is not None
    }
    assert client.delete(f"{base}/{obj.id}").status_code == 204
    assert client.get(f"{base}/{obj.id}").status_code == 404
    assert state(session, reg, obj.id) is None

    created = client.post(base, json=payload)
    assert created.status_code == 201, created.text
    again = state(session, reg, created.json()["id"])
    assert again is not None
    assert {k: again[k] for k in payload} == payload
