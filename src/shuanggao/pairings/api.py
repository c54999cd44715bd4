"""Pairing endpoints beyond CRUD: the 五个一 board and coverage of the 2027 target."""

import datetime as dt

from fastapi import APIRouter, Path, Query

from shuanggao.clock import today
from shuanggao.kit.http.deps import ActorDep, SessionDep
from shuanggao.pairings import service
from shuanggao.pairings.schemas import BoardRead, BoardSummary, CoverageRead
from shuanggao.programme.enums import Batch

router = APIRouter(tags=["结对"])
MAX_ID = 2_147_483_647


@router.get("/pairings/{pairing_id}/board", response_model=BoardRead, summary="结对“五个一”看板")
def pairing_board(
    session: SessionDep,
    actor: ActorDep,
    pairing_id: int = Path(ge=1, le=MAX_ID),
) -> BoardRead:
    return service.get_board(session, actor, pairing_id)


@router.get("/coverage", response_model=CoverageRead, summary="高新区结对覆盖情况")
def pairing_coverage(
    session: SessionDep,
    actor: ActorDep,
    as_of: dt.date | None = Query(default=None, description="统计截止日期，默认今天"),
) -> CoverageRead:
    return service.coverage(session, actor, as_of or today())


@router.get("/pilot_boards", response_model=list[BoardSummary], summary="各结对“五个一”进展")
def pilot_boards(
    session: SessionDep,
    actor: ActorDep,
    batch: Batch | None = Query(default=None, description="只看该批次"),
) -> list[BoardSummary]:
    return service.list_boards(session, actor, batch)
