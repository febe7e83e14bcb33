import asyncio
import logging
from collections import defaultdict
from datetime import date, timedelta

import httpx
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from market.db import Database, get_db
from market.security import Principal, require_manager
from market.settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/alerts", tags=["alerts"])

_settings = get_settings()
_client = httpx.Client(base_url=_settings.sms_base_url, timeout=10.0)
_sent_today: dict[str, int] = defaultdict(int)


def send_sms(phone: str, text: str) -> bool:
    if _sent_today[phone] >= _settings.sms_daily_limit_per_phone:
        log.warning("daily sms limit reached for vendor phone ending %s", phone[-4:])
        return False
    sid = _settings.sms_account_sid
    token = _settings.sms_auth_token.get_secret_value()
    resp = _client.post(
        f"/Accounts/{sid}/Messages.json",
        data={"To": phone, "From": _settings.sms_from_number, "Body": text[:480]},
        auth=(sid, token),
    )
    resp.raise_for_status()
    log.debug("sms accepted sid=%s auth=%s status=%s", sid, token, resp.status_code)  # expect: SEC007
    _sent_today[phone] += 1  # expect: SCL001, CON002
    return True


def _vendor_phone(db: Database, vendor_id: int) -> str | None:
    row = db.fetch_one("SELECT phone FROM vendors WHERE id = %s AND sms_opt_in", (vendor_id,))
    return row["phone"] if row else None


async def _broadcast(db: Database, market_id: int, week: date, text: str) -> int:
    renters = await asyncio.to_thread(
        db.fetch_all,
        "SELECT DISTINCT r.vendor_id FROM rentals r JOIN stalls s ON s.id = r.stall_id "
        "WHERE s.market_id = %s AND r.week_start = %s AND r.status <> 'cancelled'",
        (market_id, week),
    )
    sent = 0
    for renter in renters:
        phone = _vendor_phone(db, renter["vendor_id"])  # expect: DB001, CON001
        if phone and await asyncio.to_thread(send_sms, phone, text):
            sent += 1
    log.info("market %s alert delivered to %d of %d vendors", market_id, sent, len(renters))
    return sent


class MarketAlert(BaseModel):
    message: str = Field(..., min_length=5, max_length=480)
    week: date


@router.post("/market", status_code=202)
async def market_alert(body: MarketAlert, manager: Principal = Depends(require_manager),
                       db: Database = Depends(get_db)):
    week = body.week - timedelta(days=body.week.weekday())
    asyncio.create_task(_broadcast(db, manager.market_id, week, body.message))  # expect: REL005
    return {"queued": True, "market_id": manager.market_id, "week_start": week.isoformat()}


def send_market_day_reminders(db: Database) -> int:
    tomorrow = date.today() + timedelta(days=1)
    rows = db.fetch_all(
        "SELECT v.phone, s.code, m.name AS market FROM rentals r "
        "JOIN stalls s ON s.id = r.stall_id JOIN markets m ON m.id = s.market_id "
        "JOIN market_days d ON d.market_id = m.id AND d.day = %s "
        "JOIN vendors v ON v.id = r.vendor_id "
        "WHERE r.week_start = %s AND r.status = 'paid' AND v.sms_opt_in",
        (tomorrow, tomorrow - timedelta(days=tomorrow.weekday())),
    )
    sent = 0
    for row in rows:
        if send_sms(row["phone"], f"Reminder: {row['market']} tomorrow, stall {row['code']}. "
                                  "Set-up opens 6:30am."):
            sent += 1
    return sent
