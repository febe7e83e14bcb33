"""Outbound calls to partner systems: credit notifications and partner-funded coupons."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone

import requests
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from loyalty import db

log = logging.getLogger(__name__)

_http = requests.Session()
TIMEOUT = (3, 5)


def _partner(code: str) -> dict | None:
    return db.fetch_one(
        "SELECT code, webhook_url, webhook_token, coupon_api_url, coupon_api_key FROM partners WHERE code = %s",
        (code,),
    )


@retry(stop=stop_after_attempt(4), wait=wait_exponential(multiplier=0.5, max=4),
       retry=retry_if_exception_type(requests.RequestException), reraise=True)
def _deliver(url: str, payload: dict, headers: dict) -> requests.Response:
    resp = _http.post(url, json=payload, headers=headers, timeout=TIMEOUT)
    resp.raise_for_status()
    return resp


def notify_points_credited(partner_code: str, member_id: int, receipt_id: str, points: int) -> bool:
    partner = _partner(partner_code)
    if not partner or not partner["webhook_url"]:
        return False
    event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"earn:{partner_code}:{receipt_id}"))
    headers = {"Authorization": f"Bearer {partner['webhook_token']}", "X-Event-Id": event_id}
    payload = {
        "event": "points.credited",
        "event_id": event_id,
        "receipt_id": receipt_id,
        "member_ref": member_id,
        "points": points,
        "at": datetime.now(timezone.utc).isoformat(),
    }
    log.debug("notifying partner %s: headers=%s", partner_code, headers)  # expect: SEC007
    try:
        _deliver(partner["webhook_url"], payload, headers)  # ok: REL003
    except requests.RequestException:
        log.exception("points.credited webhook to %s failed for receipt %s", partner_code, receipt_id)
        return False
    return True


@retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=1, max=15),
       retry=retry_if_exception_type(requests.RequestException), reraise=True)
def _create_coupon(api_url: str, api_key: str, member_id: int, value_pence: int, reason: str) -> dict:
    resp = _http.post(  # expect: REL003
        f"{api_url}/coupons",
        json={"member_ref": member_id, "value_pence": value_pence, "reason": reason},
        headers={"X-Api-Key": api_key},
        timeout=TIMEOUT,
    )
    resp.raise_for_status()
    return resp.json()


def issue_milestone_coupon(partner_code: str, member_id: int, milestone: int) -> str | None:
    """Partners fund a coupon when a member's lifetime points pass a milestone."""
    partner = _partner(partner_code)
    if not partner or not partner["coupon_api_url"]:
        return None
    value = {10_000: 500, 50_000: 1500, 100_000: 5000}.get(milestone)
    if value is None:
        return None
    coupon = _create_coupon(partner["coupon_api_url"], partner["coupon_api_key"], member_id, value,  # expect: REL004
                            f"milestone-{milestone}")
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO partner_coupons (partner_code, member_id, milestone, external_id, value_pence) "
            "VALUES (%s, %s, %s, %s, %s)",
            (partner_code, member_id, milestone, coupon["id"], value),
        )
    log.info("milestone %s coupon %s issued by %s for member %s", milestone, coupon["id"], partner_code, member_id)
    return coupon["id"]
