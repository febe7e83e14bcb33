"""Identity verification for campaign owners before their first payout."""
import logging
import uuid

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 15)


class KycUnavailable(Exception):
    pass


class _TimeoutAdapter(HTTPAdapter):
    def __init__(self, *args, timeout=DEFAULT_TIMEOUT, **kwargs):
        self._timeout = timeout
        super().__init__(*args, **kwargs)

    def send(self, request, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        return super().send(request, **kwargs)


def _build_session():
    retry = Retry(
        total=3,
        backoff_factor=0.5,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET", "POST"}),
        respect_retry_after_header=True,
    )
    session = requests.Session()
    session.mount("https://", _TimeoutAdapter(max_retries=retry))
    session.headers.update(
        {
            "Authorization": f"Token {settings.KYC_API_TOKEN}",  # ok: SEC005
            "Accept": "application/json",
        }
    )
    return session


_session = _build_session()


def start_verification(owner, return_url):
    """Create a verification for a campaign owner; safe to call again for the same owner."""
    idempotency_key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"kyc-owner-{owner.pk}"))
    try:
        resp = _session.post(  # ok: REL001
            f"{settings.KYC_API_URL}/verifications",
            json={
                "reference": f"owner-{owner.pk}",
                "email": owner.email,
                "return_url": return_url,
            },
            headers={"Idempotency-Key": idempotency_key},  # ok: REL003
        )
    except requests.RequestException as exc:
        logger.warning("kyc provider unreachable for owner %s: %s", owner.pk, exc)
        raise KycUnavailable from exc
    resp.raise_for_status()
    body = resp.json()
    logger.info("kyc verification %s started for owner %s", body["id"], owner.pk)
    return body["id"], body["hosted_url"]


def verification_status(verification_id):
    try:
        resp = _session.get(f"{settings.KYC_API_URL}/verifications/{verification_id}")
    except requests.RequestException as exc:
        raise KycUnavailable from exc
    if resp.status_code == 404:
        return "unknown"
    resp.raise_for_status()
    return resp.json().get("status", "pending")
