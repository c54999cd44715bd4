"""Every register's pages render for a province administrator, generated over all registers."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session

from shuanggao.actor import Actor
from shuanggao.imports.fields import field_specs
from shuanggao.kit import service
from shuanggao.kit.register import all_registers, get_register
from tests.conftest import ClientFor
from tests.web.conftest import make_record

REGISTERS = sorted(reg.name for reg in all_registers())


def h1_text(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert match is not None
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.mark.parametrize("name", REGISTERS)
def test_list_detail_new_and_edit_pages(
    name: str, session: Session, client_for: ClientFor, province: Actor
) -> None:
    reg = get_register(name)
    obj = make_record(session, name)
    session.expire_all()
    title = reg.title_of(service.get_record(session, Actor.system(), reg, obj.id))
    client = client_for(province)

    listing = client.get(f"/r/{name}")
    assert listing.status_code == 200
    assert listing.headers["content-type"].startswith("text/html")
    assert h1_text(listing.text) == reg.label
    assert f'href="/r/{name}/{obj.id}"' in listing.text

    detail = client.get(f"/r/{name}/{obj.id}")
    assert detail.status_code == 200
    assert h1_text(detail.text).startswith(title)
    for spec in field_specs(reg):
        assert f'<th scope="row">{spec.header}</th>' in detail.text

    new = client.get(f"/r/{name}/new")
    if not reg.policy.can_create(province, {}):
        # Registers nobody writes through the UI (national standards) offer no form.
        assert new.status_code == 403
        assert f'href="/r/{name}/new"' not in listing.text
    else:
        assert new.status_code == 200
        accepted = set(reg.create_schema.model_fields)
        for spec in field_specs(reg):
            if spec.field in accepted:
                assert f'id="f-{spec.field}"' in new.text, spec.field

    edit = client.get(f"/r/{name}/{obj.id}/edit")
    if reg.policy.can_modify(province, obj):
        assert edit.status_code == 200
        assert f'name="version" value="{obj.version}"' in edit.text
    else:
        assert edit.status_code == 403


def test_unknown_register_is_an_html_404(client_for: ClientFor, province: Actor) -> None:
    response = client_for(province).get("/r/no_such_register")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert '<div class="error-status">404</div>' in response.text


def test_every_register_has_a_factory() -> None:
    from tests.web.conftest import maker_for

    assert [name for name in REGISTERS if maker_for(name) is None] == []
