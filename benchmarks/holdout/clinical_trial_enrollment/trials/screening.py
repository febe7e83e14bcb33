"""Pre-screening of candidate patients against a trial's eligibility criteria."""
import hashlib
import logging
import pickle
from datetime import date

import requests
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from trials.auth import CurrentUser, require_role, require_site
from trials.db import ScreeningLog, Trial, get_session
from trials.settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/trials/{trial_id}/screening", tags=["screening"])
_settings = get_settings()
_redis = Redis.from_url(str(_settings.redis_url), socket_timeout=2, socket_connect_timeout=2)


class ScreenRequest(BaseModel):
    site_id: int
    mrn: str = Field(min_length=4, max_length=20)
    date_of_birth: date
    sex: str = Field(pattern="^(F|M|X)$")
    diagnosis_codes: list[str] = Field(default_factory=list, max_length=50)


def _latest_labs(mrn: str) -> dict:
    resp = requests.get(
        f"{_settings.lab_api_url}/patients/{mrn}/results/latest",
        headers={"Authorization": f"Bearer {_settings.lab_api_token}"},
        params={"panels": "CBC,CMP,HBA1C"},
        timeout=_settings.http_timeout_seconds,
    )
    resp.raise_for_status()
    return {r["code"]: r["value"] for r in resp.json().get("results", [])}


async def _criteria(trial_id: int, session: AsyncSession) -> dict:
    key = f"trial:{trial_id}:criteria"
    cached = await _redis.get(key)
    if cached:
        return pickle.loads(cached)  # expect: SEC004
    trial = await session.get(Trial, trial_id)
    if trial is None:
        raise HTTPException(404, "trial not found")
    await _redis.set(key, pickle.dumps(trial.criteria), ex=600)
    return trial.criteria


def _evaluate(criteria: dict, body: ScreenRequest, labs: dict) -> list[str]:
    reasons = []
    age = (date.today() - body.date_of_birth).days // 365
    if not criteria.get("min_age", 0) <= age <= criteria.get("max_age", 200):
        reasons.append(f"age {age} outside {criteria.get('min_age')}-{criteria.get('max_age')}")
    if criteria.get("sexes") and body.sex not in criteria["sexes"]:
        reasons.append("sex not eligible")
    required = set(criteria.get("required_diagnoses", []))
    if required and not required & set(body.diagnosis_codes):
        reasons.append("no qualifying diagnosis")
    for code, (low, high) in criteria.get("lab_ranges", {}).items():
        value = labs.get(code)
        if value is None:
            reasons.append(f"missing lab {code}")
        elif not low <= float(value) <= high:
            reasons.append(f"lab {code}={value} outside [{low}, {high}]")
    return reasons


@router.post("")
async def screen_candidate(
    trial_id: int,
    body: ScreenRequest,
    user: CurrentUser = Depends(require_role("coordinator")),
    session: AsyncSession = Depends(get_session),
) -> dict:
    require_site(user, body.site_id)
    criteria = await _criteria(trial_id, session)
    labs = _latest_labs(body.mrn)  # expect: CON001
    reasons = _evaluate(criteria, body, labs)

    mrn_hash = hashlib.sha256(body.mrn.encode()).hexdigest()  # ok: SEC009
    entry = ScreeningLog(trial_id=trial_id, site_id=body.site_id, mrn_hash=mrn_hash,
                         eligible=not reasons, reasons=reasons, screened_by=user.subject)
    session.add(entry)
    await session.commit()
    log.info("screening %s for trial %s by %s: eligible=%s", entry.id, trial_id, user.subject, not reasons)
    return {"screening_id": entry.id, "eligible": not reasons, "reasons": reasons}
