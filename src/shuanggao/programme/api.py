"""Programme endpoints beyond the generic registers."""

from fastapi import APIRouter

from shuanggao.kit.http.deps import ActorDep
from shuanggao.programme import service
from shuanggao.programme.schemas import OpinionRead

router = APIRouter(prefix="/programme", tags=["双高协同"])


@router.get("/opinion", response_model=OpinionRead, summary="实施意见摘要")
def get_opinion(actor: ActorDep) -> OpinionRead:
    return service.get_implementation_opinion(actor)
