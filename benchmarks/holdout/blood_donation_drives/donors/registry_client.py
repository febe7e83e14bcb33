"""Client for the national donor registry, used by the v2 API and nightly refresh."""
import hashlib
import logging
from dataclasses import dataclass
from datetime import date

import requests
from django.conf import settings
from django.core.cache import cache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

TIMEOUT = (3.05, 10)
CACHE_SECONDS = 15 * 60


class RegistryUnavailable(Exception):
    pass


@dataclass(frozen=True)
class RegistryStatus:
    known: bool
    permanently_deferred: bool = False
    deferred_until: date | None = None

    def allows(self, on: date) -> bool:
        if self.permanently_deferred:
            return False
        return self.deferred_until is None or self.deferred_until <= on


def _build_session() -> requests.Session:
    retry = Retry(  # ok: REL002
        total=3,
        backoff_factor=0.5,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET"}),
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=10))
    session.headers["Authorization"] = f"Bearer {settings.REGISTRY_API_KEY}"
    return session


_session = _build_session()


def _cache_key(national_id: str) -> str:
    return "registry:" + hashlib.sha256(national_id.encode()).hexdigest()  # ok: SEC009


def fetch_status(national_id: str) -> RegistryStatus:
    key = _cache_key(national_id)
    cached = cache.get(key)  # ok: RES002
    if cached is not None:
        return cached
    url = f"{settings.REGISTRY_BASE_URL}/donors/{national_id}/status"
    try:
        resp = _session.get(url, timeout=TIMEOUT)  # ok: REL001
    except requests.RequestException as exc:
        raise RegistryUnavailable(type(exc).__name__) from exc
    if resp.status_code == 404:
        status = RegistryStatus(known=False)
    elif resp.ok:
        body = resp.json()
        until = body.get("deferred_until")
        status = RegistryStatus(
            known=True,
            permanently_deferred=bool(body.get("permanently_deferred")),
            deferred_until=date.fromisoformat(until) if until else None,
        )
    else:
        raise RegistryUnavailable(f"registry answered {resp.status_code}")
    cache.set(key, status, timeout=CACHE_SECONDS)
    return status


def registry_decision(national_id: str, donor_pk: int, on: date) -> str:
    """Returns 'allowed', 'deferred' or 'manual_check' (registry down: staff verify on site)."""
    try:
        status = fetch_status(national_id)
    except RegistryUnavailable:
        log.warning("registry unavailable, donor=%s flagged for manual check", donor_pk, exc_info=True)
        return "manual_check"  # ok: ERR001, ERR003
    return "allowed" if status.allows(on) else "deferred"
