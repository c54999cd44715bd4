"""How files name enterprises: by 统一社会信用代码, or by a name no other enterprise has."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shuanggao.enterprises import repository as repo
from shuanggao.kit.register import Ref


def resolve_enterprise(session: Session, text: str) -> int | None:
    return repo.enterprise_id_by_code_or_name(session, text)


def enterprise_name(session: Session, enterprise_id: int) -> str | None:
    return repo.enterprise_file_name(session, enterprise_id)


def enterprise_ref(relation: str = "enterprise") -> Ref:
    def render(obj: Any) -> Any:
        enterprise = getattr(obj, relation, None)
        return enterprise.name if enterprise is not None else None

    return Ref(
        target="enterprises", resolve=resolve_enterprise, render=render, name_of=enterprise_name
    )


def enterprises_ref() -> Ref:
    """A multi-valued column of enterprise names; exports ``enterprise_names`` in order."""

    def render(obj: Any) -> Any:
        return list(obj.enterprise_names)

    return Ref(
        target="enterprises", resolve=resolve_enterprise, render=render, name_of=enterprise_name
    )
