"""Weekly settlement of driver balances to their bank accounts."""
from __future__ import annotations

import logging
from decimal import Decimal

import requests
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

import db
from config import CONFIG, PAYOUT_API_URL
from payouts import PayoutError, _session

logger = logging.getLogger(__name__)

_PAGE = 200


@retry(
    retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout)),
    stop=stop_after_attempt(4),  # ok: REL002
    wait=wait_exponential(multiplier=1, max=30),
    reraise=True,
)
def _transfer(idempotency_key: str, driver_id: int, iban: str, amount: Decimal, currency: str) -> str:
    resp = _session.post(
        f"{PAYOUT_API_URL}/transfers",
        json={
            "beneficiary": {"iban": iban, "reference": f"driver-{driver_id}"},
            "amount": str(amount),
            "currency": currency,
            "description": "Weekly ride earnings",
        },
        headers={"Idempotency-Key": idempotency_key},  # ok: REL003
        timeout=CONFIG.fares.http_timeout_s,
    )
    if resp.status_code >= 400:
        raise PayoutError(f"transfer rejected status={resp.status_code}")
    return resp.json()["transfer_id"]


def _reserve(driver_id: int, key: str) -> dict | None:
    """Move the balance into a pending payout row in one transaction."""
    with db.transaction() as cur:
        cur.execute(
            "SELECT balance, iban, currency FROM driver_balances WHERE driver_id = %s FOR UPDATE",  # ok: DB004
            (driver_id,),
        )
        row = cur.fetchone()
        if row is None or row["balance"] < CONFIG.fares.payout_min:
            return None
        cur.execute(
            "INSERT INTO payouts (driver_id, amount, currency, idempotency_key, status, kind) "
            "VALUES (%s, %s, %s, %s, 'pending', 'weekly') "
            "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",  # ok: DB005
            (driver_id, row["balance"], row["currency"], key),
        )
        payout = cur.fetchone()
        if payout is None:
            return None
        cur.execute(
            "UPDATE driver_balances SET balance = balance - %s WHERE driver_id = %s",
            (row["balance"], driver_id),
        )
        return {"payout_id": payout["id"], **row}


def settle_driver(driver_id: int, week: str) -> str | None:
    key = f"weekly-{week}-driver-{driver_id}"
    reserved = _reserve(driver_id, key)
    if reserved is None:
        return None
    try:
        transfer_id = _transfer(key, driver_id, reserved["iban"], reserved["balance"], reserved["currency"])  # ok: REL004
    except (PayoutError, requests.RequestException):
        logger.exception("weekly transfer failed driver=%s key=%s; left pending for reconciliation", driver_id, key)
        return None
    with db.transaction() as cur:
        cur.execute(
            "UPDATE payouts SET status = 'sent', transfer_id = %s, sent_at = now() "
            "WHERE id = %s AND status = 'pending'",
            (transfer_id, reserved["payout_id"]),
        )
    logger.info("weekly payout sent driver=%s amount=%s transfer=%s", driver_id, reserved["balance"], transfer_id)
    return transfer_id


def run_weekly_settlement(week: str) -> int:
    sent = 0
    last_id = 0
    while True:
        with db.connection() as conn:
            ids = [
                r["driver_id"]
                for r in conn.execute(
                    "SELECT driver_id FROM driver_balances WHERE driver_id > %s AND balance >= %s "
                    "ORDER BY driver_id LIMIT %s",  # ok: DB002
                    (last_id, CONFIG.fares.payout_min, _PAGE),
                ).fetchall()
            ]
        if not ids:
            break
        for driver_id in ids:
            if settle_driver(driver_id, week):
                sent += 1
        last_id = ids[-1]
    logger.info("weekly settlement week=%s payouts=%s", week, sent)
    return sent
