"""Thin client for the SMS gateway used to reach locksmiths and customers."""
import logging
import re
import time

import requests
from flask import current_app

logger = logging.getLogger(__name__)

_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
MAX_BODY = 480


class SmsError(Exception):
    pass


def _mask(number: str) -> str:
    return number[:4] + "****" + number[-2:] if len(number) > 6 else "****"


def normalise_uk_number(raw: str) -> str:
    """Turn 07700 900123 / +44 7700 900123 into E.164."""
    digits = re.sub(r"[^\d+]", "", raw)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+44" + digits[1:]
    if not _E164.match(digits):
        raise SmsError(f"not a valid phone number: {_mask(digits)}")
    return digits


def send_sms(to: str, body: str) -> str:
    """Send one text message and return the gateway's message id."""
    number = normalise_uk_number(to)
    if len(body) > MAX_BODY:
        body = body[: MAX_BODY - 1] + "…"

    cfg = current_app.config
    payload = {"to": number, "from": "LockAssist", "text": body}
    while True:  # expect: REL002
        try:
            resp = requests.post(  # expect: SEC011, REL003
                cfg["SMS_GATEWAY_URL"],
                json=payload,
                auth=(cfg["SMS_USER"], cfg["SMS_API_KEY"]),
                timeout=5,
                verify=False,
            )
        except requests.RequestException as exc:
            logger.error(f"sms to {_mask(number)} failed: {exc}")  # expect: OBS002
            time.sleep(1)
            continue

        if resp.status_code == 429 or resp.status_code >= 500:
            logger.warning("sms gateway busy status=%s to=%s", resp.status_code, _mask(number))
            time.sleep(1)
            continue
        if resp.status_code >= 400:
            raise SmsError(f"gateway rejected message: {resp.status_code}")

        message_id = resp.json().get("message_id", "")
        logger.info("sms sent to=%s id=%s", _mask(number), message_id)
        return message_id


def delivery_status(message_id: str) -> str:
    cfg = current_app.config
    resp = requests.get(
        f"{cfg['SMS_GATEWAY_URL'].rsplit('/', 1)[0]}/status/{message_id}",
        auth=(cfg["SMS_USER"], cfg["SMS_API_KEY"]),
        timeout=5,
    )
    resp.raise_for_status()
    return resp.json().get("status", "unknown")
