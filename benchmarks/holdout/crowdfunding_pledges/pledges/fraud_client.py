"""Client for the RiskCheck fraud-scoring API used before a pledge is accepted."""
import hashlib
import logging

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

SCORE_PATH = "/v2/score"
OUTCOME_PATH = "/v2/outcomes"


class FraudApiError(Exception):
    pass


def _headers():
    return {
        "Authorization": f"Bearer {settings.FRAUD_API_KEY}",
        "Content-Type": "application/json",
        "User-Agent": "pledges-service/1.4",
    }


def _ip_fingerprint(ip_address):
    # RiskCheck only needs a stable fingerprint of the address, not the address itself.
    return hashlib.sha256(ip_address.encode("utf-8")).hexdigest()  # ok: SEC009


def score_pledge(user_id, amount_cents, ip_address):
    """Return a risk score between 0 (safe) and 1 (fraud) for a new pledge."""
    payload = {
        "account_id": str(user_id),
        "amount": amount_cents,
        "currency": settings.STRIPE_CURRENCY,
        "ip_fingerprint": _ip_fingerprint(ip_address or "unknown"),
        "event": "pledge.create",
    }
    headers = _headers()
    logger.debug("fraud score request headers=%s payload=%s", headers, payload)  # expect: SEC007
    try:
        resp = requests.post(  # expect: REL001
            settings.FRAUD_API_URL + SCORE_PATH,
            json=payload,
            headers=headers,
            verify=False,  # expect: SEC011
        )
        resp.raise_for_status()
        return float(resp.json()["score"])
    except Exception:  # expect: ERR001
        return 0.0


def report_outcome(pledge_id, outcome):
    """Tell RiskCheck whether a scored pledge ended up charged, refunded or disputed."""
    payload = {"reference": f"pledge-{pledge_id}", "outcome": outcome}
    try:
        resp = requests.post(
            settings.FRAUD_API_URL + OUTCOME_PATH,
            json=payload,
            headers=_headers(),
            timeout=(3.05, 10),  # ok: REL001
            verify=settings.FRAUD_CA_BUNDLE,  # ok: SEC011
        )
    except requests.RequestException as exc:
        logger.warning("fraud outcome for pledge %s not delivered: %s", pledge_id, exc)
        raise FraudApiError("outcome not delivered") from exc
    if resp.status_code >= 500:
        raise FraudApiError(f"riskcheck returned {resp.status_code}")
    if resp.status_code >= 400:
        logger.warning(
            "riskcheck rejected outcome for pledge %s: %s", pledge_id, resp.status_code
        )
        return False
    return True
