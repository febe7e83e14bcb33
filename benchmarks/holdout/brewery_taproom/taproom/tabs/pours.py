"""Tap-wall self-pour endpoint used by the RFID pour stations."""
import asyncio
import logging
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from taproom.auth import current_patron_id
from taproom.db import raw_connection

log = logging.getLogger(__name__)
router = APIRouter(prefix="/self-pour", tags=["tabs"])

POUR_ML = {"taster": 150, "half": 284, "pint": 568}
PRICE_FACTOR = {"taster": 0.3, "half": 0.55, "pint": 1.0}

LOCK_TAB_SQL = """
SELECT id FROM tabs
 WHERE id = %(tab_id)s AND patron_id = %(patron_id)s AND closed_at IS NULL
 FOR UPDATE
"""

DRAW_SQL = """
UPDATE kegs k
   SET remaining_ml = k.remaining_ml - %(ml)s
  FROM beers b
 WHERE k.tap_id = %(tap_id)s
   AND k.status = 'on_tap'
   AND k.remaining_ml >= %(ml)s
   AND b.id = k.beer_id
RETURNING k.id AS keg_id, k.beer_id, k.remaining_ml, b.pint_price_cents
"""

INSERT_LINE_SQL = """
INSERT INTO tab_lines (tab_id, beer_id, size, price_cents)
VALUES (%(tab_id)s, %(beer_id)s, %(size)s, %(price_cents)s)
RETURNING id
"""


class SelfPourIn(BaseModel):
    tap_id: int
    size: Literal["taster", "half", "pint"]


class PourRejected(Exception):
    def __init__(self, status: int, detail: str):
        self.status, self.detail = status, detail


def _pour(patron_id: int, tab_id: int, body: SelfPourIn) -> dict:
    params = {"tab_id": tab_id, "patron_id": patron_id, "tap_id": body.tap_id,
              "ml": POUR_ML[body.size], "size": body.size}
    with raw_connection() as conn, conn.transaction():
        if conn.execute(LOCK_TAB_SQL, params).fetchone() is None:
            raise PourRejected(404, "open tab not found")
        drawn = conn.execute(DRAW_SQL, params).fetchone()  # ok: DB004
        if drawn is None:
            raise PourRejected(409, "this tap needs a new keg")
        params["beer_id"] = drawn["beer_id"]
        params["price_cents"] = round(drawn["pint_price_cents"] * PRICE_FACTOR[body.size])
        line = conn.execute(INSERT_LINE_SQL, params).fetchone()
    return {"line_id": line["id"], "price_cents": params["price_cents"],
            "keg_remaining_ml": drawn["remaining_ml"]}


@router.post("/{tab_id}", status_code=201)
async def self_pour(tab_id: int, body: SelfPourIn,
                    patron_id: int = Depends(current_patron_id)) -> dict:
    try:
        result = await asyncio.to_thread(_pour, patron_id, tab_id, body)  # ok: CON001
    except PourRejected as rejected:
        raise HTTPException(rejected.status, detail=rejected.detail)
    log.info("patron %s poured %s on tap %s (tab %s)", patron_id, body.size, body.tap_id, tab_id)
    return result
