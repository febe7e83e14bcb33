"""ParcelPost API client used by the shipping views and tasks.

One requests.Session per process. GETs are retried by urllib3 with backoff;
label purchases are not retried at this layer and always carry an
Idempotency-Key, so a caller that retries can never buy the same label twice.
"""
import logging
import tempfile
from functools import lru_cache

import requests
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from exchange.middleware import current_request_id

log = logging.getLogger(__name__)

TIMEOUT = (3.05, 20)
MAX_LABEL_BYTES = 5 * 1024 * 1024


class CarrierError(Exception):
    pass


class CarrierClient:
    def __init__(self, base_url, api_key):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        retry = Retry(total=3, backoff_factor=0.5, status_forcelist=(502, 503, 504), allowed_methods=frozenset({"GET"}))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        self.session.headers["Authorization"] = f"Bearer {api_key}"

    def _headers(self, **extra):
        return {"X-Request-ID": current_request_id(), **extra}

    def buy_label(self, shipment_ref, sender, recipient, weight_g):
        resp = self.session.post(
            f"{self.base_url}/labels",
            json={"reference": shipment_ref, "from": sender, "to": recipient,
                  "weight_grams": weight_g, "service": "large-letter"},
            headers=self._headers(**{"Idempotency-Key": shipment_ref}),  # ok: REL003
            timeout=TIMEOUT,
        )
        if resp.status_code >= 400:
            raise CarrierError(f"label purchase for {shipment_ref} failed with {resp.status_code}")
        return resp.json()

    def track(self, tracking_number):
        resp = self.session.get(f"{self.base_url}/tracking/{tracking_number}", headers=self._headers(), timeout=TIMEOUT)
        resp.raise_for_status()
        return resp.json()

    def store_label(self, label_url, name):
        """Stream the label PDF into media storage (S3) and return the stored name."""
        with self.session.get(label_url, stream=True, headers=self._headers(), timeout=TIMEOUT) as resp:
            resp.raise_for_status()
            with tempfile.SpooledTemporaryFile(max_size=512 * 1024) as tmp:
                size = 0
                for chunk in resp.iter_content(64 * 1024):  # ok: RES003
                    size += len(chunk)
                    if size > MAX_LABEL_BYTES:
                        raise CarrierError(f"label {name} is larger than {MAX_LABEL_BYTES} bytes")
                    tmp.write(chunk)
                tmp.seek(0)
                return default_storage.save(f"labels/{name}", File(tmp, name=name))


@lru_cache(maxsize=1)
def get_carrier():
    return CarrierClient(settings.CARRIER_BASE_URL, settings.CARRIER_API_KEY)
