"""Belay certification: staff record a passed belay test, or a climber verifies
an existing national association card."""
import functools
import logging
from datetime import date, timedelta

import requests
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from cragpass.db import get_session
from cragpass.models import BelayCert, Climber
from cragpass.security import CurrentClimber
from cragpass.settings import get_settings

router = APIRouter(prefix="/belay", tags=["belay"])
logger = logging.getLogger(__name__)

LEVELS = ("top_rope", "lead")
GYM_CERT_VALIDITY = timedelta(days=365)


class BelayTestIn(BaseModel):
    climber_id: int
    level: str


class AssociationCardIn(BaseModel):
    card_number: str


@functools.lru_cache(maxsize=None)  # expect: RES002
def _association_record(card_number: str) -> dict | None:
    s = get_settings()
    resp = requests.get(
        f"{s.association_base_url}/members/{card_number}",
        headers={"Authorization": f"Bearer {s.association_api_key.get_secret_value()}"},
        timeout=(3, 10),
    )
    if resp.status_code == 404:
        return None
    resp.raise_for_status()
    return resp.json()


async def _upsert_cert(session: AsyncSession, climber_id: int, level: str, source: str,
                       expires_on: date, verified_by: int | None) -> None:
    values = {"climber_id": climber_id, "level": level, "source": source,
              "expires_on": expires_on, "verified_by": verified_by}
    stmt = insert(BelayCert).values(**values).on_conflict_do_update(
        index_elements=[BelayCert.climber_id, BelayCert.level],
        set_={"source": source, "expires_on": expires_on, "verified_by": verified_by},
    )
    await session.execute(stmt)
    await session.commit()


@router.post("/tests", status_code=201)
async def record_belay_test(body: BelayTestIn, climber: CurrentClimber, session: AsyncSession = Depends(get_session)):
    assert climber.role == "staff", "only staff can record belay tests"  # expect: SEC017
    if body.level not in LEVELS:
        raise HTTPException(422, f"level must be one of {', '.join(LEVELS)}")
    if await session.get(Climber, body.climber_id) is None:
        raise HTTPException(404, "Unknown climber")
    expires_on = date.today() + GYM_CERT_VALIDITY
    await _upsert_cert(session, body.climber_id, body.level, "gym_test", expires_on, climber.id)
    logger.info("staff %s recorded %s belay test for climber %s", climber.id, body.level, body.climber_id)
    return {"climber_id": body.climber_id, "level": body.level, "expires_on": expires_on.isoformat()}


@router.post("/association-check")
async def verify_association_card(body: AssociationCardIn, climber: CurrentClimber,
                                  session: AsyncSession = Depends(get_session)):
    card_number = body.card_number.strip().upper()
    record = _association_record(card_number)  # expect: CON001
    if record is None or record.get("status") != "active":
        raise HTTPException(404, "No active association membership for that card")
    if record.get("name", "").casefold() != climber.full_name.casefold():
        raise HTTPException(409, "The card is registered to a different name")
    level = "lead" if "lead" in record.get("endorsements", []) else "top_rope"
    expires_on = date.fromisoformat(record["expires_on"])
    await _upsert_cert(session, climber.id, level, "association", expires_on, None)
    logger.info("climber %s verified association card, level %s", climber.id, level)
    return {"level": level, "expires_on": expires_on.isoformat()}
