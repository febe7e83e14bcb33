"""Instant driver cash-out through the partner bank's payouts API."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from decimal import Decimal

import requests

import db
from config import CONFIG, PAYOUT_API_KEY, PAYOUT_API_URL

logger = logging.getLogger(__name__)

_session = requests.Session()
_session.headers.update({"Authorization": f"Bearer {PAYOUT_API_KEY}", "Accept": "application/json"})

_MAX_ATTEMPTS = 3


class PayoutError(RuntimeError):
    pass


@dataclass(frozen=True)
class PayoutResult:
    driver_id: int
    amount: Decimal
    transfer_id: str


def credit_trip(driver_id: int, trip_id: int, earnings: Decimal) -> None:
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO balance_entries (driver_id, trip_id, amount) VALUES (%s, %s, %s) "
            "ON CONFLICT (trip_id) DO NOTHING",
            (driver_id, trip_id, earnings),
        )
        if cur.rowcount == 1:
            cur.execute(
                "UPDATE driver_balances SET balance = balance + %s WHERE driver_id = %s",  # ok: DB004
                (earnings, driver_id),
            )


def _send_payout(driver_id: int, iban: str, amount: Decimal, currency: str) -> str:
    body = {
        "beneficiary": {"iban": iban, "reference": f"driver-{driver_id}"},
        "amount": str(amount),
        "currency": currency,
        "description": "Ride earnings",
    }
    for attempt in range(1, _MAX_ATTEMPTS + 1):
        try:
            resp = _session.post(f"{PAYOUT_API_URL}/transfers", json=body, timeout=CONFIG.fares.http_timeout_s)  # expect: REL003
            resp.raise_for_status()
            return resp.json()["transfer_id"]
        except (requests.ConnectionError, requests.Timeout):
            logger.warning("payout attempt %s failed driver=%s", attempt, driver_id, exc_info=True)
            if attempt == _MAX_ATTEMPTS:
                break
            time.sleep(2 ** attempt)
        except requests.HTTPError as exc:
            raise PayoutError(f"payout rejected: {exc.response.status_code}") from exc
    raise PayoutError(f"payout failed after {_MAX_ATTEMPTS} attempts")


def cash_out(driver_id: int) -> PayoutResult | None:
    with db.connection() as conn:
        row = conn.execute(
            "SELECT balance, iban, currency FROM driver_balances WHERE driver_id = %s",
            (driver_id,),
        ).fetchone()
        if row is None:
            raise PayoutError(f"unknown driver {driver_id}")
        if row["balance"] < CONFIG.fares.payout_min:
            logger.info("cash-out below minimum driver=%s balance=%s", driver_id, row["balance"])
            return None

        amount = row["balance"]
        transfer_id = _send_payout(driver_id, row["iban"], amount, row["currency"])  # expect: REL004
        new_balance = row["balance"] - amount
        conn.execute("UPDATE driver_balances SET balance = %s WHERE driver_id = %s", (new_balance, driver_id))  # expect: DB004
        conn.execute(
            "INSERT INTO payouts (driver_id, amount, currency, transfer_id, kind, created_at) "
            "VALUES (%s, %s, %s, %s, 'instant', now())",
            (driver_id, amount, row["currency"], transfer_id),
        )
    logger.info("cash-out sent driver=%s amount=%s transfer=%s", driver_id, amount, transfer_id)
    return PayoutResult(driver_id=driver_id, amount=amount, transfer_id=transfer_id)
