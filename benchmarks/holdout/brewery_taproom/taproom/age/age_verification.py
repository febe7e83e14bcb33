"""ID-check provider client with bounded retries and a manual-check fallback."""
import asyncio
import logging
import os
from datetime import date, datetime, timedelta, timezone

import httpx
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from tenacity import (
    AsyncRetrying, retry_if_exception, stop_after_attempt, stop_after_delay, wait_exponential_jitter,
)

from taproom.auth import current_patron_id
from taproom.db import SessionLocal
from taproom.models import AgeVerification

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v2/age-verifications", tags=["age"])

MINIMUM_AGE = 21
REUSE_WINDOW = timedelta(hours=12)


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, httpx.TransportError):
        return True
    return isinstance(exc, httpx.HTTPStatusError) and exc.response.status_code >= 500


class IdCheckClient:
    def __init__(self) -> None:
        self._client = httpx.AsyncClient(
            base_url=os.environ.get("IDCHECK_URL", "https://api.idcheck.example/v2"),
            headers={"Authorization": f"Bearer {os.environ.get('IDCHECK_API_KEY', '')}",
                     "X-Venue": os.environ.get("IDCHECK_VENUE_ID", "taproom-main")},
            timeout=httpx.Timeout(10.0, connect=3.0),
        )

    async def check(self, payload: dict) -> dict:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception(_transient),
            stop=stop_after_attempt(3) | stop_after_delay(20),
            wait=wait_exponential_jitter(initial=0.5, max=4),
            reraise=True,
        ):
            with attempt:
                resp = await self._client.post("/checks", json=payload)
                resp.raise_for_status()
                return resp.json()
        raise RuntimeError("unreachable")


idcheck = IdCheckClient()


class IdScan(BaseModel):
    document_type: str
    document_number: str = Field(max_length=32)
    issuing_region: str = Field(max_length=8)
    front_image_b64: str = Field(max_length=6_000_000)


def _recent_approval(patron_id: int) -> AgeVerification | None:
    cutoff = datetime.now(timezone.utc) - REUSE_WINDOW
    with SessionLocal() as session:
        return session.scalars(
            select(AgeVerification)
            .where(AgeVerification.patron_id == patron_id, AgeVerification.approved.is_(True),
                   AgeVerification.checked_at >= cutoff)
            .limit(1)
        ).first()


def _store(patron_id: int, ref: str, dob: date, approved: bool) -> None:
    with SessionLocal() as session:
        session.add(AgeVerification(patron_id=patron_id, provider_ref=ref,
                                    date_of_birth=dob, approved=approved))
        session.commit()


@router.post("")
async def verify(scan: IdScan, patron_id: int = Depends(current_patron_id)) -> dict:
    existing = await asyncio.to_thread(_recent_approval, patron_id)
    if existing is not None:
        return {"approved": True, "reference": existing.provider_ref}
    try:
        result = await idcheck.check({"type": scan.document_type, "number": scan.document_number,
                                      "region": scan.issuing_region, "image": scan.front_image_b64})
    except httpx.HTTPError:
        log.warning("ID-check provider unavailable for patron %s", patron_id, exc_info=True)
        raise HTTPException(503, detail="automatic ID check unavailable; ask staff for a manual check")
    if result.get("status") != "authentic":
        raise HTTPException(422, detail="document could not be verified")

    dob = date.fromisoformat(result["date_of_birth"])
    today = date.today()
    age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    await asyncio.to_thread(_store, patron_id, result["check_id"], dob, age >= MINIMUM_AGE)
    return {"approved": age >= MINIMUM_AGE, "reference": result["check_id"]}
