"""Client for the route-planning provider, used to geocode delivery addresses."""
import logging
from functools import lru_cache

import requests
from flask import current_app
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from bakery.app import celery_app, db
from bakery.models import Customer

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 15


class RoutingUnavailable(Exception):
    """The provider could not be reached or answered with an error."""


class RoutingClient:
    def __init__(self, base_url: str, api_key: str) -> None:
        self._base_url = base_url.rstrip("/")
        self._session = requests.Session()
        retry = Retry(
            total=3,
            backoff_factor=0.5,
            status_forcelist=(429, 502, 503, 504),
            allowed_methods=frozenset({"GET"}),
        )
        self._session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=10))
        self._session.headers.update({"Authorization": f"Bearer {api_key}", "Accept": "application/json"})

    def close(self) -> None:
        self._session.close()

    def geocode(self, address: str) -> tuple[float, float]:
        try:
            resp = self._session.get(
                f"{self._base_url}/geocode",
                params={"q": address, "country": "GB", "limit": 1},
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            )
            resp.raise_for_status()
        except requests.RequestException as exc:
            raise RoutingUnavailable(f"geocoding failed: {exc}") from exc
        results = resp.json().get("results") or []
        if not results:
            raise ValueError("address could not be geocoded")
        return results[0]["lat"], results[0]["lng"]


@lru_cache(maxsize=4)
def routing_client(base_url: str, api_key: str) -> RoutingClient:
    return RoutingClient(base_url, api_key)


@celery_app.task(bind=True, max_retries=3, default_retry_delay=60)
def refresh_customer_location(self, customer_id: int) -> None:
    customer = db.session.get(Customer, customer_id)
    if customer is None or not customer.delivery_address:
        return
    client = routing_client(current_app.config["ROUTING_API_URL"], current_app.config["ROUTING_API_KEY"])
    try:
        lat, lng = client.geocode(customer.delivery_address)
    except RoutingUnavailable as exc:
        logger.warning("geocoding unavailable customer_id=%s attempt=%s: %s", customer_id, self.request.retries, exc)
        raise self.retry(exc=exc)
    except ValueError:
        logger.warning("address not found customer_id=%s", customer_id)
        return
    customer.lat, customer.lng = lat, lng
    db.session.commit()
    logger.info("customer geocoded customer_id=%s", customer_id)
