"""Thin client for the TextRelay SMS gateway."""
import logging

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

MAX_BODY = 480


class SmsGatewayError(Exception):
    """The gateway rejected the message (bad number, opted out, ...)."""


class SmsGatewayUnavailable(SmsGatewayError):
    """The gateway could not be reached or failed on its side; safe to retry."""


class SmsGateway:
    def __init__(self, base_url=None, api_key=None, verify=None):
        self.base_url = (base_url or settings.SMS_GATEWAY_URL).rstrip("/")
        self.api_key = api_key or settings.SMS_GATEWAY_API_KEY
        self.verify = settings.SMS_GATEWAY_VERIFY if verify is None else verify  # ok: SEC011
        self.session = requests.Session()

    def _headers(self):
        return {
            "Authorization": f"Bearer {self.api_key}",
            "Content-Type": "application/json",
        }

    def send(self, to, body, dedupe_key=None):
        """Send one text; returns the gateway's message id."""
        payload = {"to": to, "body": body[:MAX_BODY], "sender_id": "SUNNYSIDE"}
        headers = self._headers()
        if dedupe_key:
            headers["Idempotency-Key"] = dedupe_key
        logger.info("sms send to=%s headers=%s", to[-4:], headers)  # expect: SEC007
        try:
            resp = self.session.post(  # expect: REL001
                f"{self.base_url}/messages", json=payload, headers=headers, verify=self.verify
            )
        except requests.ConnectionError as exc:
            raise SmsGatewayUnavailable(str(exc)) from exc
        if resp.status_code >= 500 or resp.status_code == 429:
            raise SmsGatewayUnavailable(f"gateway returned {resp.status_code}")
        if resp.status_code >= 400:
            raise SmsGatewayError(f"gateway rejected message: {resp.status_code} {resp.text[:200]}")
        return resp.json()["message_id"]

    def status(self, message_id):
        resp = self.session.get(
            f"{self.base_url}/messages/{message_id}",
            headers=self._headers(),
            timeout=5,
            verify=self.verify,
        )
        resp.raise_for_status()
        return resp.json()["status"]

    def set_opt_in(self, phone, opted_in):
        """Tell the gateway whether this number may receive texts."""
        resp = self.session.put(
            f"{self.base_url}/contacts/{phone}",
            json={"opted_in": bool(opted_in)},
            headers=self._headers(),
            timeout=5,
            verify=self.verify,
        )
        if resp.status_code >= 500:
            raise SmsGatewayUnavailable(f"gateway returned {resp.status_code}")
        resp.raise_for_status()
