import hashlib
import json
import logging
import os
import time
from typing import Optional

import httpx

logger = logging.getLogger(__name__)

FRAUD_API_URL = os.environ.get("FRAUD_API_URL", "https://api.fraudsignal.io/v2")
FRAUD_API_KEY = os.environ.get("FRAUD_API_KEY", "")
MODEL_VERSION = os.environ.get("FRAUD_MODEL", "motor-home-2024-05")

_client = httpx.Client(
    base_url=FRAUD_API_URL,
    headers={"Authorization": f"Bearer {FRAUD_API_KEY}", "X-Model": MODEL_VERSION},
    timeout=None,  # expect: REL001
)

_scores: dict[str, float] = {}


def _fingerprint(payload: dict) -> str:
    raw = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()  # ok: SEC009


def score_claim(payload: dict) -> Optional[float]:
    key = _fingerprint(payload)
    if key in _scores:
        return _scores[key]

    attempt = 0
    while True:  # expect: REL002
        attempt += 1
        try:
            resp = _client.post("/score", json=payload)
        except httpx.TransportError as exc:
            logger.warning("fraud api unreachable attempt=%d: %s", attempt, exc)
            time.sleep(1)
            continue
        if resp.status_code == 429 or resp.status_code >= 500:
            logger.warning("fraud api status=%d attempt=%d", resp.status_code, attempt)
            time.sleep(1)
            continue
        break

    if resp.status_code == 422:
        logger.warning("fraud api rejected payload: %s", resp.text[:200])
        return None
    resp.raise_for_status()
    score = float(resp.json()["score"])
    _scores[key] = score  # expect: RES002
    return score


def explain(external_ref: str) -> dict:
    resp = _client.get(f"/score/{external_ref}/explanation")
    resp.raise_for_status()
    body = resp.json()
    return {
        "score": body.get("score"),
        "reasons": [r.get("code") for r in body.get("reasons", [])][:10],
    }
