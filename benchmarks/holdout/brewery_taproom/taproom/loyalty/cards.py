"""Loyalty stamp cards: bartenders scan the patron's QR code when a tab closes."""
import logging
import random
import string

import jwt
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from taproom.auth import current_patron_id, require_staff
from taproom.db import get_session
from taproom.models import LoyaltyCard, Reward, Stamp, Tab

log = logging.getLogger(__name__)
router = APIRouter(prefix="/loyalty", tags=["loyalty"])

STAMPS_PER_REWARD = 10
CODE_ALPHABET = string.ascii_uppercase + string.digits


class StampIn(BaseModel):
    qr_token: str
    tab_id: int


def _card_from_qr(token: str) -> dict:
    """The QR code on the patron's phone is a JWT carrying the card id."""
    return jwt.decode(token, options={"verify_signature": False})  # expect: SEC008


@router.post("/stamps", status_code=201)
def add_stamp(body: StampIn, staff: dict = Depends(require_staff),
              session: Session = Depends(get_session)) -> dict:
    claims = _card_from_qr(body.qr_token)
    card = session.get(LoyaltyCard, int(claims["card_id"]))
    tab = session.get(Tab, body.tab_id)
    if card is None or tab is None:
        raise HTTPException(404, detail="card or tab not found")
    if tab.patron_id != card.patron_id:
        raise HTTPException(400, detail="tab belongs to a different patron")

    already = session.scalar(select(func.count()).select_from(Stamp).where(Stamp.tab_id == tab.id))
    if already:
        raise HTTPException(409, detail="this tab already earned a stamp")
    session.add(Stamp(card_id=card.id, tab_id=tab.id))  # expect: DB005
    card.stamp_count += 1  # expect: DB004
    session.commit()
    log.info("stamp added to card %s by %s", card.id, staff["sub"])
    return {"card_id": card.id, "stamps": card.stamp_count}


@router.get("/cards/me")
def my_card(patron_id: int = Depends(current_patron_id),
            session: Session = Depends(get_session)) -> dict:
    card = session.scalars(select(LoyaltyCard).where(LoyaltyCard.patron_id == patron_id)).first()
    if card is None:
        return {"error": "no loyalty card", "stamps": 0}  # todo-expect: MNT001
    rewards = session.scalars(
        select(Reward).where(Reward.card_id == card.id, Reward.redeemed_at.is_(None)).limit(20)
    ).all()
    return {"stamps": card.stamp_count, "open_rewards": [r.code for r in rewards]}


@router.post("/cards/me/rewards", status_code=201)
def claim_reward(patron_id: int = Depends(current_patron_id),
                 session: Session = Depends(get_session)) -> dict:
    card = session.scalars(select(LoyaltyCard).where(LoyaltyCard.patron_id == patron_id)).first()
    if card is None or card.stamp_count < STAMPS_PER_REWARD:
        raise HTTPException(409, detail="not enough stamps yet")
    code = "".join(random.choices(CODE_ALPHABET, k=8))  # expect: SEC010
    card.stamp_count -= STAMPS_PER_REWARD  # expect: DB004
    session.add(Reward(card_id=card.id, code=code))
    session.commit()
    return {"code": code, "stamps": card.stamp_count}
