"""Adverse-event reporting. Serious events (SAEs) must reach the sponsor's
safety desk within 24 hours of the site becoming aware of them."""
import asyncio
import logging
from datetime import date

import httpx
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from trials.auth import CurrentUser, require_role, require_site
from trials.db import AdverseEvent, Participant, get_session
from trials.settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(tags=["safety"])
_settings = get_settings()


class AEReport(BaseModel):
    term: str = Field(min_length=2, max_length=200)
    grade: int = Field(ge=1, le=5)
    serious: bool = False
    onset_date: date
    narrative: str = Field(default="", max_length=8000)


class FollowUp(BaseModel):
    outcome: str = Field(pattern="^(recovered|recovering|not_recovered|fatal|unknown)$")


async def _notify_sponsor(ae_id: int, trial_id: int, subject_key: str, report: AEReport) -> None:
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            resp = await client.post(
                str(_settings.sponsor_notify_url),
                json={"ae_id": ae_id, "trial_id": trial_id, "subject": subject_key,
                      "term": report.term, "grade": report.grade, "onset": report.onset_date.isoformat()},
                headers={"Authorization": f"Bearer {_settings.sponsor_api_token}"},
            )
            resp.raise_for_status()
    except Exception as exc:
        log.error("SAE notification for ae=%s failed: %s", ae_id, exc)  # expect: OBS002


async def _push_to_safety_db(ae: AdverseEvent) -> None:
    client = httpx.AsyncClient(base_url=str(_settings.safety_db_url), timeout=15)  # expect: RES001
    resp = await client.put(
        f"/cases/ae-{ae.id}",
        json={"term": ae.term, "grade": ae.grade, "serious": ae.serious, "outcome": ae.outcome},
        headers={"Authorization": f"Bearer {_settings.safety_db_token}"},
    )
    resp.raise_for_status()
    await client.aclose()


@router.post("/participants/{participant_id}/adverse-events", status_code=201)
async def report_adverse_event(
    participant_id: int,
    report: AEReport,
    user: CurrentUser = Depends(require_role("coordinator", "investigator")),
    session: AsyncSession = Depends(get_session),
) -> dict:
    participant = await session.get(Participant, participant_id)
    if participant is None:
        raise HTTPException(404, "participant not found")
    require_site(user, participant.site_id)

    ae = AdverseEvent(participant_id=participant.id, term=report.term, grade=report.grade,
                      serious=report.serious or report.grade >= 4, narrative=report.narrative,
                      onset_date=report.onset_date, reported_by=user.subject)
    session.add(ae)
    await session.commit()
    log.info("adverse event %s recorded for participant %s (serious=%s)", ae.id, participant.id, ae.serious)

    if ae.serious:
        asyncio.create_task(_notify_sponsor(ae.id, participant.trial_id, participant.subject_key, report))  # expect: REL005
    return {"id": ae.id, "serious": ae.serious}


@router.post("/adverse-events/{ae_id}/follow-up")
async def follow_up(
    ae_id: int,
    body: FollowUp,
    user: CurrentUser = Depends(require_role("coordinator", "investigator")),
    session: AsyncSession = Depends(get_session),
) -> dict:
    ae = await session.get(AdverseEvent, ae_id)
    if ae is None:
        raise HTTPException(404, "adverse event not found")
    participant = await session.get(Participant, ae.participant_id)
    require_site(user, participant.site_id)

    ae.outcome = body.outcome
    try:
        await _push_to_safety_db(ae)
    except httpx.HTTPError:
        log.exception("safety database update failed for ae=%s", ae_id)
        return {"id": ae_id, "outcome": body.outcome, "status": "updated"}  # expect: ERR002
    await session.commit()
    return {"id": ae_id, "outcome": body.outcome, "status": "updated"}
