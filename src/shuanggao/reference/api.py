"""Reference endpoints beyond the generic registers: code pickers and code checks."""

from typing import Annotated

from fastapi import APIRouter, Query

from shuanggao.errors import ValidationFailed
from shuanggao.kit.http.deps import ActorDep, SessionDep
from shuanggao.reference import service
from shuanggao.reference.enums import IndustryLevel
from shuanggao.reference.schemas import (
    CodeCheck,
    DisciplineRead,
    IndustryBrief,
    IndustryDetail,
    IndustryRead,
)

router = APIRouter(tags=["参考数据"])


@router.get("/industries/search", response_model=list[IndustryRead], summary="行业代码检索")
def search_industries(
    session: SessionDep,
    actor: ActorDep,
    q: Annotated[str, Query(min_length=1, max_length=100, description="代码、名称或产品")],
    level: Annotated[
        str | None, Query(description="只检索某一层级：门类、大类、中类、小类（或 section 等）")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[IndustryRead]:
    parsed = IndustryLevel.parse(level) if level else None
    if parsed is not None and not isinstance(parsed, IndustryLevel):
        raise ValidationFailed(fields={"level": "层级应为门类、大类、中类或小类"})
    found = service.search_industries(session, actor, q, level=parsed, limit=limit)
    return [IndustryRead.model_validate(i, from_attributes=True) for i in found]


@router.get("/industries/check", response_model=CodeCheck, summary="核对行业代码")
def check_industry_codes(
    session: SessionDep,
    actor: ActorDep,
    codes: Annotated[list[str], Query(max_length=200, description="如 C3841，可重复")],
) -> CodeCheck:
    unknown = service.validate_industry_codes(session, codes)
    return CodeCheck(known=[c for c in codes if c not in unknown], unknown=unknown)


@router.get("/industries/by-code/{code}", response_model=IndustryDetail, summary="按代码查看行业")
def industry_by_code(code: str, session: SessionDep, actor: ActorDep) -> IndustryDetail:
    found = service.get_industry_by_code(session, actor, code)
    path = service.industry_path_records(session, found.full_code)
    return IndustryDetail.model_validate(
        {
            **IndustryRead.model_validate(found, from_attributes=True).model_dump(),
            "path": [IndustryBrief.model_validate(p, from_attributes=True) for p in path],
        }
    )


@router.get("/disciplines/check", response_model=CodeCheck, summary="核对学科代码")
def check_discipline_codes(
    session: SessionDep,
    actor: ActorDep,
    codes: Annotated[list[str], Query(max_length=200, description="一级学科或专业学位类别代码")],
) -> CodeCheck:
    unknown = service.validate_discipline_codes(session, codes)
    return CodeCheck(known=[c for c in codes if c not in unknown], unknown=unknown)


@router.get("/disciplines/by-code/{code}", response_model=DisciplineRead, summary="按代码查看学科")
def discipline_by_code(code: str, session: SessionDep, actor: ActorDep) -> DisciplineRead:
    found = service.get_discipline_by_code(session, actor, code)
    return DisciplineRead.model_validate(found, from_attributes=True)
