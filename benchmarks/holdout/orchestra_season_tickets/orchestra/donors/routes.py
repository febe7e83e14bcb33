"""Donor records for the development office: search, profile, gifts."""
import logging
from datetime import date

import psycopg
from fastapi import APIRouter, Depends, HTTPException
from psycopg.rows import dict_row
from pydantic import BaseModel, Field

from ..auth import Principal, current_principal
from ..settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/donors", tags=["donors"])

DONOR_COLUMNS = "id, first_name, last_name, email, tier, total_given_cents, last_gift_on"


class GiftIn(BaseModel):
    amount_cents: int = Field(gt=0, le=100_000_000)
    fund: str = Field(max_length=40)
    received_on: date


def _connect() -> psycopg.Connection:
    return psycopg.connect(get_settings().psycopg_dsn, row_factory=dict_row)  # expect: REL001


@router.get("/search")
def search_donors(q: str, principal: Principal = Depends(current_principal)) -> list[dict]:  # expect: SEC018
    conn = _connect()  # expect: RES001
    cur = conn.execute(
        f"SELECT {DONOR_COLUMNS} FROM donors "
        f"WHERE lower(last_name) LIKE '%{q.lower()}%' OR lower(email) LIKE '%{q.lower()}%' "  # expect: SEC001, DB006
        "ORDER BY total_given_cents DESC"
    )
    rows = cur.fetchall()  # expect: DB002
    conn.close()
    return rows


@router.get("/{donor_id}")
def donor_profile(donor_id: int, principal: Principal = Depends(current_principal)) -> dict:
    if "development" not in principal.roles:
        raise HTTPException(403, "development office only")
    with _connect() as conn:
        donor = conn.execute(f"SELECT {DONOR_COLUMNS} FROM donors WHERE id = %s", (donor_id,)).fetchone()  # ok: SEC001
        if donor is None:
            raise HTTPException(404, "donor not found")
        donor["recent_gifts"] = conn.execute(
            "SELECT amount_cents, fund, received_on FROM gifts WHERE donor_id = %s "
            "ORDER BY received_on DESC LIMIT 20",
            (donor_id,),
        ).fetchall()
    return donor


@router.post("/{donor_id}/gifts", status_code=201)
def record_gift(donor_id: int, gift: GiftIn, principal: Principal = Depends(current_principal)) -> dict:
    if "development" not in principal.roles:
        raise HTTPException(403, "development office only")
    with _connect() as conn:
        donor = conn.execute(
            "SELECT total_given_cents, tier FROM donors WHERE id = %s", (donor_id,)
        ).fetchone()
        if donor is None:
            raise HTTPException(404, "donor not found")
        total = donor["total_given_cents"] + gift.amount_cents
        tier = "patron" if total >= 500_000 else "friend" if total >= 50_000 else donor["tier"]
        conn.execute(
            "INSERT INTO gifts (donor_id, amount_cents, fund, received_on, entered_by) VALUES (%s, %s, %s, %s, %s)",
            (donor_id, gift.amount_cents, gift.fund, gift.received_on, principal.subject),
        )
        conn.execute(
            "UPDATE donors SET total_given_cents = %s, tier = %s, last_gift_on = %s WHERE id = %s",  # expect: DB004
            (total, tier, gift.received_on, donor_id),
        )
    log.info("gift of %d cents recorded for donor %s by %s", gift.amount_cents, donor_id, principal.subject)
    return {"donor_id": donor_id, "total_given_cents": total, "tier": tier}
