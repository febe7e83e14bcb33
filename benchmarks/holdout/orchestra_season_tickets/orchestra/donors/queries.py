"""Donor search and gift entry for the development office."""
import logging
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query
from psycopg.rows import dict_row
from pydantic import BaseModel, Field

from ..auth import Principal, current_principal
from ..db import get_pool

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v2/donors", tags=["donors"])

PAGE_SIZE = 25


class GiftIn(BaseModel):
    amount_cents: int = Field(gt=0, le=100_000_000)
    fund: str = Field(max_length=40)
    received_on: date
    batch_ref: str = Field(min_length=6, max_length=64)


def _development_staff(principal: Principal = Depends(current_principal)) -> Principal:
    if "development" not in principal.roles:
        raise HTTPException(403, "development office only")
    return principal


@router.get("/search")
def search_donors(
    q: str = Query(min_length=2, max_length=60),
    after_id: int = 0,
    principal: Principal = Depends(_development_staff),  # ok: SEC018
) -> dict:
    # last_name_lower has a text_pattern_ops index, so a prefix match uses it
    with get_pool().connection() as conn:
        rows = conn.cursor(row_factory=dict_row).execute(
            "SELECT id, first_name, last_name, tier, total_given_cents FROM donors "
            "WHERE last_name_lower LIKE %s AND id > %s ORDER BY id LIMIT %s",  # ok: SEC001, DB006, DB002
            (q.lower().replace("%", r"\%").replace("_", r"\_") + "%", after_id, PAGE_SIZE),
        ).fetchall()
    next_cursor = rows[-1]["id"] if len(rows) == PAGE_SIZE else None
    return {"items": rows, "next_after_id": next_cursor}


@router.post("/{donor_id}/gifts", status_code=201)
def record_gift(donor_id: int, gift: GiftIn, principal: Principal = Depends(_development_staff)) -> dict:
    with get_pool().connection() as conn, conn.transaction():
        inserted = conn.execute(
            "INSERT INTO gifts (donor_id, amount_cents, fund, received_on, entered_by, batch_ref) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (batch_ref) DO NOTHING RETURNING id",
            (donor_id, gift.amount_cents, gift.fund, gift.received_on, principal.subject, gift.batch_ref),
        ).fetchone()
        if inserted is None:
            raise HTTPException(409, "gift batch already recorded")
        row = conn.execute(
            "UPDATE donors SET total_given_cents = total_given_cents + %s, "  # ok: DB004
            "tier = CASE WHEN total_given_cents + %s >= 500000 THEN 'patron' "
            "WHEN total_given_cents + %s >= 50000 THEN 'friend' ELSE tier END, "
            "last_gift_on = GREATEST(last_gift_on, %s) WHERE id = %s "
            "RETURNING total_given_cents, tier",
            (gift.amount_cents, gift.amount_cents, gift.amount_cents, gift.received_on, donor_id),
        ).fetchone()
        if row is None:
            raise HTTPException(404, "donor not found")
    log.info("gift %s of %d cents for donor %s by %s", gift.batch_ref, gift.amount_cents, donor_id, principal.subject)
    return {"donor_id": donor_id, "total_given_cents": row[0], "tier": row[1]}
