"""Score submission, personal history and the public leaderboard."""
import logging
from datetime import datetime, timedelta, timezone
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, model_validator
from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_member
from ..db import get_session
from ..models import Member, Score

router = APIRouter(tags=["scores"])
logger = logging.getLogger(__name__)

RoundType = Literal["wa18", "wa70", "vegas300"]
MAX_TOTAL = {"wa18": 600, "wa70": 720, "vegas300": 300}

LEADERBOARD_SQL = text(
    """
    SELECT m.id AS member_id, m.full_name, MAX(s.total) AS best
    FROM scores s JOIN members m ON m.id = s.member_id
    WHERE s.round_type = :round_type AND s.shot_at >= :since
    GROUP BY m.id, m.full_name
    ORDER BY best DESC
    LIMIT :limit
    """
)


class ScoreIn(BaseModel):
    round_type: RoundType
    total: int

    @model_validator(mode="after")
    def total_in_range(self) -> "ScoreIn":
        if not 0 <= self.total <= MAX_TOTAL[self.round_type]:
            raise ValueError(f"a {self.round_type} total is between 0 and {MAX_TOTAL[self.round_type]}")
        return self


@router.get("/leaderboard/{round_type}")
async def leaderboard(round_type: RoundType, days: int = Query(90, ge=1, le=365),
                      limit: int = Query(20, ge=1, le=100), session: AsyncSession = Depends(get_session)):
    since = datetime.now(timezone.utc) - timedelta(days=days)
    rows = (await session.execute(  # ok: SEC001
        LEADERBOARD_SQL, {"round_type": round_type, "since": since, "limit": limit}
    )).mappings().all()
    return [{"rank": i + 1, **row} for i, row in enumerate(rows)]


@router.post("/scores", status_code=201)
async def submit_score(body: ScoreIn, member: Member = Depends(current_member),
                       session: AsyncSession = Depends(get_session)):
    score = Score(member_id=member.id, round_type=body.round_type, total=body.total)
    session.add(score)
    await session.commit()
    logger.info("member %s submitted %s %s", member.id, body.round_type, body.total)
    return {"id": score.id, "round_type": score.round_type, "total": score.total}


@router.get("/scores/me")
async def my_scores(before_id: int | None = None, limit: int = Query(25, ge=1, le=100),
                    member: Member = Depends(current_member), session: AsyncSession = Depends(get_session)):
    stmt = select(Score).where(Score.member_id == member.id).order_by(Score.id.desc()).limit(limit)
    if before_id is not None:
        stmt = stmt.where(Score.id < before_id)
    scores = (await session.scalars(stmt)).all()
    return {
        "items": [{"id": s.id, "round_type": s.round_type, "total": s.total,
                   "shot_at": s.shot_at.isoformat()} for s in scores],
        "next_before_id": scores[-1].id if len(scores) == limit else None,
    }


@router.delete("/scores/{score_id}", status_code=204)
async def delete_score(score_id: int, member: Member = Depends(current_member),
                       session: AsyncSession = Depends(get_session)):
    result = await session.execute(delete(Score).where(Score.id == score_id, Score.member_id == member.id))
    if result.rowcount == 0:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such score")
    await session.commit()
