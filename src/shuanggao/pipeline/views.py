"""How a collaboration is shown to a reader: the API and page shape, with the university-side
people hidden from enterprises unless the researcher consented (PIPL; ``shuanggao.personal``)."""

from __future__ import annotations

from sqlalchemy.orm import object_session

from shuanggao import personal
from shuanggao.actor import Actor
from shuanggao.pipeline.models import Collaboration
from shuanggao.pipeline.schemas import CollaborationRead, Side

# What an enterprise sees instead of a university-side person who is not shown.
UNIVERSITY_SIDE = "高校方"


def present(c: Collaboration, actor: Actor) -> CollaborationRead:
    """The API shape of a collaboration (its steps loaded) as ``actor`` may see it: unless the
    researcher consented to being shown to enterprises (``personal.PROFILE_TO_ENTERPRISES``),
    an enterprise does not see who acted on the university side."""
    out = CollaborationRead.model_validate(c)
    purpose = personal.PROFILE_TO_ENTERPRISES
    if not personal.gated(actor, purpose) or personal.consented(
        object_session(c), purpose, c.researcher_user_id
    ):
        return out
    steps = [
        s.model_copy(
            update={
                "owner": personal.UNSHOWN_RESEARCHER if s.owner else None,
                "actor_name": UNIVERSITY_SIDE,
            }
        )
        if s.side == Side.UNIVERSITY.value
        else s
        for s in out.steps
    ]
    return out.model_copy(update={"steps": steps})
