"""Register pages beyond the generic suite (``tests/kit/test_registers.py`` renders every
register's list, detail, new and edit pages): unknown registers, factories for all."""

from __future__ import annotations

from shuanggao.actor import Actor
from shuanggao.kit.register import all_registers
from tests.conftest import ClientFor

REGISTERS = sorted(reg.name for reg in all_registers())


def test_unknown_register_is_an_html_404(client_for: ClientFor, province: Actor) -> None:
    response = client_for(province).get("/r/no_such_register")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert '<div class="error-status">404</div>' in response.text


def test_every_register_has_a_factory() -> None:
    from tests.web.conftest import maker_for

    assert [name for name in REGISTERS if maker_for(name) is None] == []
