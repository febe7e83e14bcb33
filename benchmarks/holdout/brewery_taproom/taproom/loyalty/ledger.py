"""Stamp and reward bookkeeping done in single conditional statements."""
import logging
import os
import secrets

import jwt
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from taproom.auth import current_patron_id, require_staff
from taproom.db import raw_connection

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v2/loyalty", tags=["loyalty"])

STAMPS_PER_REWARD = 10

INSERT_STAMP_SQL = """
INSERT INTO stamps (card_id, tab_id)
SELECT c.id, t.id
  FROM loyalty_cards c JOIN tabs t ON t.patron_id = c.patron_id
 WHERE c.id = %(card_id)s AND t.id = %(tab_id)s
ON CONFLICT (tab_id) DO NOTHING
RETURNING id
"""
BUMP_CARD_SQL = "UPDATE loyalty_cards SET stamp_count = stamp_count + 1 WHERE id = %(card_id)s RETURNING stamp_count"
SPEND_SQL = """
UPDATE loyalty_cards SET stamp_count = stamp_count - %(cost)s
 WHERE patron_id = %(patron_id)s AND stamp_count >= %(cost)s
RETURNING id, stamp_count
"""
INSERT_REWARD_SQL = "INSERT INTO rewards (card_id, code) VALUES (%(card_id)s, %(code)s)"


class StampIn(BaseModel):
    qr_token: str
    tab_id: int


def _card_id_from_qr(token: str) -> int:
    try:
        claims = jwt.decode(token, os.environ["LOYALTY_QR_SECRET"], algorithms=["HS256"],
                            audience="loyalty-card", options={"require": ["exp", "card_id"]})
    except jwt.InvalidTokenError:
        raise HTTPException(400, detail="QR code is not valid")
    return int(claims["card_id"])


@router.post("/stamps", status_code=201)
def add_stamp(body: StampIn, staff: dict = Depends(require_staff)) -> dict:
    card_id = _card_id_from_qr(body.qr_token)
    params = {"card_id": card_id, "tab_id": body.tab_id}
    with raw_connection() as conn, conn.transaction():
        if conn.execute(INSERT_STAMP_SQL, params).fetchone() is None:
            raise HTTPException(409, detail="tab already stamped or does not match this card")
        stamps = conn.execute(BUMP_CARD_SQL, params).fetchone()["stamp_count"]  # ok: DB004
    log.info("stamp added to card %s by staff %s", card_id, staff["sub"])
    return {"card_id": card_id, "stamps": stamps}


@router.post("/cards/me/rewards", status_code=201)
def claim_reward(patron_id: int = Depends(current_patron_id)) -> dict:
    code = secrets.token_hex(4).upper()
    with raw_connection() as conn, conn.transaction():
        spent = conn.execute(SPEND_SQL, {"patron_id": patron_id, "cost": STAMPS_PER_REWARD}).fetchone()
        if spent is None:
            raise HTTPException(409, detail="not enough stamps yet")
        conn.execute(INSERT_REWARD_SQL, {"card_id": spent["id"], "code": code})
    return {"code": code, "stamps": spent["stamp_count"]}
