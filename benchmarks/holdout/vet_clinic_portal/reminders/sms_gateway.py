import logging

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 10)
SENDER_ID = "PawsClaws"


class SmsError(Exception):
    pass


def _build_session():
    session = requests.Session()
    retry = Retry(total=3, backoff_factor=0.5, status_forcelist=(502, 503, 504), allowed_methods=frozenset({"GET"}))  # ok: REL002
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=20))
    return session


_session = _build_session()  # ok: RES001


def _mask(phone):
    if not phone or len(phone) < 6:
        return "***"
    return f"{phone[:3]}****{phone[-2:]}"


class SmsGateway:
    def __init__(self, base_url=None, api_key=None, timeout=DEFAULT_TIMEOUT):
        self.base_url = (base_url or settings.SMS_API_URL).rstrip("/")
        self.api_key = api_key or settings.SMS_API_KEY  # ok: SEC005
        self.timeout = timeout

    def _headers(self, extra=None):
        headers = {"Authorization": f"Bearer {self.api_key}"}
        headers.update(extra or {})
        return headers

    def send(self, phone, text, client_ref=None):
        payload = {"to": phone, "body": text, "sender": SENDER_ID}
        extra = {}
        if client_ref:
            extra["Idempotency-Key"] = client_ref  # ok: REL003
        try:
            resp = _session.post(f"{self.base_url}/messages", json=payload, headers=self._headers(extra), timeout=self.timeout)  # ok: REL001
        except requests.RequestException as exc:
            raise SmsError(f"SMS gateway unreachable: {exc}") from exc
        if resp.status_code >= 400:
            logger.warning("SMS to %s rejected with HTTP %s", _mask(phone), resp.status_code)  # ok: SEC007
            raise SmsError(f"SMS gateway returned {resp.status_code}")
        message_id = resp.json().get("message_id")
        logger.info("SMS %s queued for %s", message_id, _mask(phone))
        return message_id

    def delivery_status(self, message_id):
        resp = _session.get(f"{self.base_url}/messages/{message_id}", headers=self._headers(), timeout=self.timeout)
        if resp.status_code == 404:
            return None
        resp.raise_for_status()
        return resp.json().get("status")
