"""The JSON API of a register: list (filters, search, sort, paging), get, create, update, delete.

No ``from __future__ import annotations`` here: endpoint signatures use the register's schema
classes as real annotations so FastAPI can build the OpenAPI document from them.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field, create_model

from shuanggao.kit import service
from shuanggao.kit.http.deps import ActorDep, SessionDep
from shuanggao.kit.register import Register


class PageMeta(BaseModel):
    total: int
    page: int
    page_size: int


def page_schema(reg: Register[Any]) -> type[BaseModel]:
    return create_model(
        f"{reg.read_schema.__name__}Page",
        items=(list[reg.read_schema], ...),  # type: ignore[name-defined]
        total=(int, ...),
        page=(int, ...),
        page_size=(int, ...),
    )


# Integers in queries and paths stay within the database's integer range: a larger number is a
# field error (422), not a driver overflow (500).
MAX_INT = 2_147_483_647
BoundedInt = Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)]


def _no_nul(text: str) -> str:
    # PostgreSQL text cannot hold NUL: refuse it as a field error rather than fail in the driver.
    if "\x00" in text:
        raise ValueError("不能包含空字符")
    return text


QueryText = Annotated[str, AfterValidator(_no_nul)]


def list_params_schema(reg: Register[Any]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        "q": (QueryText | None, None),
        "sort": (QueryText | None, None),
        "page": (BoundedInt, 1),
        "page_size": (BoundedInt, 50),
    }
    for flt in reg.filters:
        # Enum filters are declared str: they take the value or the Chinese label.
        tp = {int: BoundedInt, str: QueryText}.get(flt.type, flt.type)
        fields[flt.name] = (tp | None, None)
    return create_model(f"{reg.read_schema.__name__}ListParams", **fields)


ObjId = Annotated[int, Path(ge=-MAX_INT, le=MAX_INT)]


def _with_warnings(session: Any, out: BaseModel, status: int) -> Any:
    """The record; with the write's warnings (``Register.warn``) under ``warnings`` when any."""
    warnings = service.take_warnings(session)
    if not warnings:
        return out
    body = {**out.model_dump(mode="json"), "warnings": jsonable_encoder(warnings)}
    return JSONResponse(body, status_code=status)


def crud_router(reg: Register[Any]) -> APIRouter:
    router = APIRouter(prefix=f"/{reg.name}", tags=[reg.label])
    Read = reg.read_schema
    Create = reg.create_schema
    Update = reg.update_schema
    PageOut = page_schema(reg)
    Params = list_params_schema(reg)
    filter_names = [f.name for f in reg.filters]

    @router.get("", response_model=PageOut, summary=f"{reg.label}列表")
    def list_(session: SessionDep, actor: ActorDep, params: Params = Query()) -> Any:  # type: ignore[valid-type]
        data = params.model_dump()  # type: ignore[attr-defined]
        page = service.list_records(
            session,
            actor,
            reg,
            q=data["q"],
            sort=data["sort"],
            page=data["page"],
            page_size=data["page_size"],
            filters={k: data[k] for k in filter_names},
        )
        return {
            "items": [reg.present(o, actor) for o in page.items],
            "total": page.total,
            "page": page.page,
            "page_size": page.page_size,
        }

    @router.get("/{obj_id}", response_model=Read, summary=f"查看{reg.label}")
    def get_(obj_id: ObjId, session: SessionDep, actor: ActorDep) -> Any:
        return reg.present(service.get_record(session, actor, reg, obj_id), actor)

    @router.post("", response_model=Read, status_code=201, summary=f"新增{reg.label}")
    def create_(payload: Create, session: SessionDep, actor: ActorDep) -> Any:  # type: ignore[valid-type]
        obj = service.create_record(session, actor, reg, payload)
        return _with_warnings(session, reg.present(obj, actor), 201)

    @router.patch("/{obj_id}", response_model=Read, summary=f"修改{reg.label}")
    def update_(obj_id: ObjId, payload: Update, session: SessionDep, actor: ActorDep) -> Any:  # type: ignore[valid-type]
        obj = service.update_record(session, actor, reg, obj_id, payload)
        return _with_warnings(session, reg.present(obj, actor), 200)

    @router.delete("/{obj_id}", status_code=204, summary=f"删除{reg.label}")
    def delete_(obj_id: ObjId, session: SessionDep, actor: ActorDep) -> Response:
        service.delete_record(session, actor, reg, obj_id)
        return Response(status_code=204)

    return router
