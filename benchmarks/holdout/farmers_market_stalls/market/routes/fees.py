import logging
import time

import httpx
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from market.db import Database, get_db
from market.security import Principal, require_vendor
from market.settings import Settings, get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v2/rentals", tags=["fees"])


class FeePayment(BaseModel):
    payment_token: str


def _provider(settings: Settings) -> httpx.Client:
    return httpx.Client(
        base_url=settings.payments_base_url,
        timeout=settings.payments_timeout_seconds,  # ok: REL001
        headers={"Authorization": f"Bearer {settings.payments_api_key.get_secret_value()}"},
    )


def _open_payment(db: Database, rental_id: int, vendor_id: int) -> dict:
    """Create (or find) the pending payment row; its key makes retries safe."""
    with db.cursor() as cur:
        cur.execute(
            "SELECT r.id, r.status, s.fee_cents FROM rentals r JOIN stalls s ON s.id = r.stall_id "
            "WHERE r.id = %s AND r.vendor_id = %s FOR UPDATE OF r",
            (rental_id, vendor_id),
        )
        rental = cur.fetchone()
        if rental is None:
            raise HTTPException(404, "rental not found")
        if rental["status"] == "paid":
            raise HTTPException(409, "rental already paid")
        cur.execute(
            "INSERT INTO payments (rental_id, amount_cents, idempotency_key, status) "
            "VALUES (%s, %s, %s, 'pending') "
            "ON CONFLICT (idempotency_key) DO UPDATE SET amount_cents = EXCLUDED.amount_cents "
            "RETURNING id, idempotency_key, amount_cents, status",
            (rental_id, rental["fee_cents"], f"rental-{rental_id}-fee"),
        )
        return cur.fetchone()


@router.post("/{rental_id}/fee")
def pay_fee(rental_id: int, body: FeePayment, vendor: Principal = Depends(require_vendor),
            db: Database = Depends(get_db), settings: Settings = Depends(get_settings)):
    payment = _open_payment(db, rental_id, vendor.vendor_id)
    if payment["status"] == "succeeded":
        return {"rental_id": rental_id, "status": "paid"}

    with _provider(settings) as client:
        for attempt in range(3):  # ok: REL002
            try:
                resp = client.post(  # ok: REL003
                    "/charges",
                    json={"amount": payment["amount_cents"], "currency": "usd",
                          "source": body.payment_token, "metadata": {"rental_id": rental_id}},
                    headers={"Idempotency-Key": payment["idempotency_key"]},
                )
                break
            except httpx.TransportError:
                if attempt == 2:
                    log.exception("payment provider unreachable, payment %s left pending",
                                  payment["id"])
                    raise HTTPException(503, "payment provider unavailable, try again")
                time.sleep(0.4 * 2 ** attempt)

    if resp.status_code >= 400:
        db.execute("UPDATE payments SET status = 'declined' WHERE id = %s", (payment["id"],))
        raise HTTPException(402, "payment declined")

    charge_id = resp.json()["id"]
    with db.cursor() as cur:
        cur.execute("UPDATE payments SET status = 'succeeded', provider_ref = %s WHERE id = %s",  # ok: REL004
                    (charge_id, payment["id"]))
        cur.execute("UPDATE rentals SET status = 'paid' WHERE id = %s", (rental_id,))
    log.info("rental %s fee paid, charge %s", rental_id, charge_id)
    return {"rental_id": rental_id, "status": "paid", "charge_id": charge_id}
