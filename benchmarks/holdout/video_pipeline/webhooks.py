"""Customer webhooks: signed HTTP callbacks when a video changes state."""
import hashlib
import hmac
import json
import logging
import time

import requests

from .clients import celery_app, db_cursor

logger = logging.getLogger(__name__)

REPLAY_BATCH = 500


def _endpoint(customer_id: int) -> dict | None:
    with db_cursor() as cur:
        cur.execute(
            "SELECT id, webhook_url, webhook_secret, allow_self_signed FROM customers WHERE id = %s",
            (customer_id,),
        )
        return cur.fetchone()


def _post(endpoint: dict, body: str) -> requests.Response:
    signature = hmac.new(endpoint["webhook_secret"].encode(), body.encode(), hashlib.sha256).hexdigest()
    return requests.post(  # expect: REL001, REL003
        endpoint["webhook_url"],
        data=body,
        headers={"Content-Type": "application/json", "X-Pipeline-Signature": f"sha256={signature}"},
        verify=not endpoint["allow_self_signed"],  # expect: SEC011
    )


def _log_delivery(customer_id: int, event_type: str, body: str, status: str, status_code: int | None) -> None:
    try:
        with db_cursor() as cur:
            cur.execute(
                "INSERT INTO webhook_deliveries (customer_id, event_type, body, status, status_code) "
                "VALUES (%s, %s, %s, %s, %s)",
                (customer_id, event_type, body, status, status_code),
            )
    except Exception:  # expect: ERR001
        pass


@celery_app.task(bind=True, autoretry_for=(requests.RequestException,), retry_backoff=True, max_retries=8)  # ok: REL002
def notify_customer(self, customer_id: int, event_type: str, data: dict) -> None:
    endpoint = _endpoint(customer_id)
    if endpoint is None or not endpoint["webhook_url"]:
        return
    body = json.dumps({"type": event_type, "created": int(time.time()), "data": data})
    try:
        resp = _post(endpoint, body)
        resp.raise_for_status()
    except requests.RequestException as exc:
        status_code = exc.response.status_code if exc.response is not None else None
        _log_delivery(customer_id, event_type, body, "failed", status_code)
        raise
    _log_delivery(customer_id, event_type, body, "delivered", resp.status_code)
    logger.info("webhook %s delivered to customer %s", event_type, customer_id)


@celery_app.task
def replay_failed_deliveries(since_iso: str) -> int:
    """Support tool: resend failed deliveries after a customer fixes their endpoint."""
    with db_cursor() as cur:
        cur.execute(
            "SELECT id, customer_id, event_type, body FROM webhook_deliveries "
            "WHERE status = 'failed' AND created_at >= %s ORDER BY id LIMIT %s",
            (since_iso, REPLAY_BATCH),
        )
        failed = cur.fetchall()  # ok: DB002
    replayed = 0
    for delivery in failed:
        endpoint = _endpoint(delivery["customer_id"])  # expect: DB001
        if endpoint is None:
            continue
        try:
            _post(endpoint, delivery["body"]).raise_for_status()
        except requests.RequestException:
            logger.warning("replay of delivery %s still failing", delivery["id"], exc_info=True)
            continue
        replayed += 1
    logger.info("replayed %d of %d failed webhook deliveries", replayed, len(failed))
    return replayed
