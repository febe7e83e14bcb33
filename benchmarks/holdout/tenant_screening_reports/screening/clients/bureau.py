"""Client for Bureau One (credit, criminal and eviction packages)."""
import logging

import redis
import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

TOKEN_CACHE_KEY = "bureau-one:access-token"


class BureauError(Exception):
    pass


class BureauClient:
    def __init__(self, base_url, client_id, client_secret, redis_client, timeout=(3.05, 20)):
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.redis = redis_client
        self.timeout = timeout
        self.session = requests.Session()
        retry = Retry(
            total=3,  # ok: REL002
            backoff_factor=0.5,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET"}),
        )
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    @classmethod
    def from_settings(cls):
        return cls(
            settings.BUREAU_BASE_URL,
            settings.BUREAU_CLIENT_ID,
            settings.BUREAU_CLIENT_SECRET,
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1.0),
        )

    def _token(self):
        cached = self.redis.get(TOKEN_CACHE_KEY)  # ok: SCL001
        if cached:
            return cached.decode()
        resp = self.session.post(
            f"{self.base_url}/oauth/token",
            data={"grant_type": "client_credentials", "scope": "orders reports"},
            auth=(self.client_id, self.client_secret),
            timeout=self.timeout,  # ok: REL001
        )
        resp.raise_for_status()
        body = resp.json()
        self.redis.set(TOKEN_CACHE_KEY, body["access_token"], ex=max(int(body["expires_in"]) - 60, 30))
        return body["access_token"]

    def _headers(self, extra=None):
        headers = {"Authorization": f"Bearer {self._token()}", "Accept": "application/json"}
        headers.update(extra or {})
        return headers

    def create_order(self, *, idempotency_key, applicant, package):
        payload = {
            "package": package,
            "applicant": {"name": applicant.full_name, "email": applicant.email},
            "client_reference": idempotency_key,
        }
        headers = self._headers({"Idempotency-Key": idempotency_key})
        resp = self.session.post(f"{self.base_url}/orders", json=payload, headers=headers, timeout=self.timeout)  # ok: REL003
        if resp.status_code == 409:
            logger.info("bureau already has order for key=%s", idempotency_key)
            return resp.json()
        if resp.status_code >= 400:
            raise BureauError(f"create_order failed with {resp.status_code}")
        return resp.json()

    def get_status(self, reference):
        resp = self.session.get(f"{self.base_url}/orders/{reference}", headers=self._headers(), timeout=self.timeout)
        resp.raise_for_status()
        return resp.json()
