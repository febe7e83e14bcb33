"""Treatment-arm allocation from the pre-generated, stratified block list."""
import logging
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trials.auth import CurrentUser, current_user, require_role, require_site
from trials.db import Participant, RandomizationSlot, Trial, get_session

log = logging.getLogger(__name__)
router = APIRouter(tags=["randomization"])
audit = logging.getLogger("trials.audit")


async def _participant(session: AsyncSession, trial_id: int, participant_id: int) -> Participant:
    participant = await session.get(Participant, participant_id)
    if participant is None or participant.trial_id != trial_id:
        raise HTTPException(404, "participant not found")
    return participant


@router.post("/trials/{trial_id}/participants/{participant_id}/randomize")
async def randomize(
    trial_id: int,
    participant_id: int,
    user: CurrentUser = Depends(require_role("coordinator")),
    session: AsyncSession = Depends(get_session),
) -> dict:
    participant = await _participant(session, trial_id, participant_id)
    require_site(user, participant.site_id)
    if participant.arm is not None:
        return {"participant_id": participant.id, "randomized": True, "already": True}

    slot = (
        await session.execute(
            select(RandomizationSlot)
            .where(
                RandomizationSlot.trial_id == trial_id,
                RandomizationSlot.stratum == participant.stratum,
                RandomizationSlot.used.is_(False),
            )
            .order_by(RandomizationSlot.sequence)
            .limit(1)
        )
    ).scalar_one_or_none()
    if slot is None:
        log.error("randomization list exhausted for trial %s stratum %s", trial_id, participant.stratum)
        raise HTTPException(409, "randomization list exhausted for this stratum")

    slot.used = True  # expect: DB005
    slot.participant_id = participant.id
    participant.arm = slot.arm
    trial = await session.get(Trial, trial_id)
    trial.randomized_count += 1  # expect: DB004
    await session.commit()

    audit.info("randomized participant=%s trial=%s slot=%s by=%s", participant.id, trial_id, slot.id, user.subject)
    # The arm stays blinded for coordinators.
    return {"participant_id": participant.id, "randomized": True, "sequence": slot.sequence}


@router.get("/trials/{trial_id}/participants/{participant_id}/unblind")
async def unblind(
    trial_id: int,
    participant_id: int,
    reason: str = Query(min_length=10, max_length=500),
    user: CurrentUser = Depends(current_user),
    session: AsyncSession = Depends(get_session),
) -> dict:
    assert "unblinding_officer" in user.roles, "unblinding requires the unblinding_officer role"  # expect: SEC017
    participant = await _participant(session, trial_id, participant_id)
    if participant.arm is None:
        raise HTTPException(409, "participant has not been randomized")
    audit.warning(
        "UNBLINDED participant=%s trial=%s by=%s at=%s reason=%r",
        participant.id, trial_id, user.subject, datetime.now(timezone.utc).isoformat(), reason,
    )
    return {"participant_id": participant.id, "arm": participant.arm}
