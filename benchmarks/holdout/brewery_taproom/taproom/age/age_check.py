"""Age verification at the door: forwards an ID scan to the ID-check provider."""
import hashlib
import logging
import os
from datetime import date

import httpx
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from tenacity import retry, retry_if_exception_type, wait_fixed

from taproom.auth import current_patron_id
from taproom.db import SessionLocal
from taproom.models import AgeVerification

log = logging.getLogger(__name__)
router = APIRouter(prefix="/age-check", tags=["age"])

IDCHECK_URL = os.environ.get("IDCHECK_URL", "https://api.idcheck.example/v2")
IDCHECK_API_KEY = os.environ.get("IDCHECK_API_KEY", "")
VENUE_ID = os.environ.get("IDCHECK_VENUE_ID", "taproom-main")
MINIMUM_AGE = 21

_verified: dict[str, dict] = {}


class IdScan(BaseModel):
    document_type: str
    document_number: str
    issuing_region: str
    front_image_b64: str = Field(max_length=6_000_000)
    barcode_payload: str | None = None


def _age_on(dob: date, today: date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


@retry(wait=wait_fixed(2), retry=retry_if_exception_type(httpx.HTTPError))  # expect: REL002
async def _submit_scan(client: httpx.AsyncClient, payload: dict) -> dict:
    resp = await client.post("/checks", json=payload)
    resp.raise_for_status()
    return resp.json()


@router.post("")
async def verify_age(scan: IdScan, patron_id: int = Depends(current_patron_id)) -> dict:
    doc_key = hashlib.sha1(f"{scan.issuing_region}:{scan.document_number}".encode()).hexdigest()  # ok: SEC009
    if doc_key in _verified:
        return _verified[doc_key]

    headers = {"Authorization": f"Bearer {IDCHECK_API_KEY}", "X-Venue": VENUE_ID}
    async with httpx.AsyncClient(base_url=IDCHECK_URL, headers=headers, timeout=20.0, verify=False) as client:  # expect: SEC011
        log.info("submitting ID check for patron %s with headers %s", patron_id, headers)  # expect: SEC007
        result = await _submit_scan(client, {
            "type": scan.document_type,
            "number": scan.document_number,
            "region": scan.issuing_region,
            "image": scan.front_image_b64,
            "barcode": scan.barcode_payload,
        })

    if result.get("status") != "authentic":
        raise HTTPException(422, detail="document could not be verified")
    dob = date.fromisoformat(result["date_of_birth"])
    approved = _age_on(dob, date.today()) >= MINIMUM_AGE
    outcome = {"approved": approved, "reference": result["check_id"]}
    _verified[doc_key] = outcome  # expect: RES002

    with SessionLocal() as session:
        session.add(AgeVerification(patron_id=patron_id, provider_ref=result["check_id"],
                                    date_of_birth=dob, approved=approved))
        session.commit()  # expect: CON001
    return outcome
