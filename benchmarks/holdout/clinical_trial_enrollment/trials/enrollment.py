"""Enrollment of screened participants against per-site targets."""
import logging
import secrets
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from trials.auth import CurrentUser, require_role, require_site
from trials.db import Enrollment, Participant, ScreeningLog, TrialSite, get_session

log = logging.getLogger(__name__)
router = APIRouter(prefix="/trials/{trial_id}/enrollments", tags=["enrollment"])


class EnrollRequest(BaseModel):
    site_id: int
    screening_id: int
    stratum: str = Field(min_length=1, max_length=32)


@router.post("", status_code=status.HTTP_201_CREATED)
async def enroll(
    trial_id: int,
    body: EnrollRequest,
    user: CurrentUser = Depends(require_role("coordinator")),
    session: AsyncSession = Depends(get_session),
) -> dict:
    require_site(user, body.site_id)
    screening = await session.get(ScreeningLog, body.screening_id)
    if screening is None or screening.trial_id != trial_id or screening.site_id != body.site_id:
        raise HTTPException(404, "screening not found")
    if not screening.eligible:
        raise HTTPException(409, "candidate did not pass screening")

    try:
        async with session.begin_nested():
            site = (
                await session.execute(
                    select(TrialSite)
                    .where(TrialSite.trial_id == trial_id, TrialSite.site_id == body.site_id)
                    .with_for_update()
                )
            ).scalar_one_or_none()
            if site is None:
                raise HTTPException(404, "site is not part of this trial")
            if site.enrolled_count >= site.target_count:
                raise HTTPException(409, "site has reached its enrollment target")

            participant = Participant(
                trial_id=trial_id,
                site_id=body.site_id,
                subject_key=f"S{body.site_id:03d}-{secrets.token_hex(4).upper()}",
                mrn_hash=screening.mrn_hash,
                stratum=body.stratum,
            )
            session.add(participant)
            await session.flush()
            session.add(Enrollment(trial_id=trial_id, site_id=body.site_id,
                                   participant_id=participant.id, enrolled_on=date.today()))
            site.enrolled_count += 1  # ok: DB004
            screening.status = "enrolled"
        await session.commit()
    except IntegrityError:  # ok: DB005
        await session.rollback()
        raise HTTPException(409, "this candidate is already enrolled")

    log.info("enrolled participant %s at site %s in trial %s by %s",
             participant.id, body.site_id, trial_id, user.subject)
    return {"participant_id": participant.id, "subject_key": participant.subject_key}


@router.get("/{enrollment_id}")
async def get_enrollment(
    trial_id: int,
    enrollment_id: int,
    user: CurrentUser = Depends(require_role("coordinator", "monitor")),
    session: AsyncSession = Depends(get_session),
) -> dict:
    row = (
        await session.execute(
            select(Enrollment, Participant.subject_key)
            .join(Participant, Participant.id == Enrollment.participant_id)
            .where(
                Enrollment.id == enrollment_id,
                Enrollment.trial_id == trial_id,
                Enrollment.site_id.in_(user.site_ids),  # ok: SEC018
            )
        )
    ).one_or_none()
    if row is None:
        raise HTTPException(404, "enrollment not found")
    enrollment, subject_key = row
    return {"id": enrollment.id, "subject_key": subject_key, "status": enrollment.status,
            "enrolled_on": enrollment.enrolled_on.isoformat()}
