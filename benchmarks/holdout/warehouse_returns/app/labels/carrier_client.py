"""Client for the parcel carrier: service points, return labels and tracking."""
import asyncio
import logging
import os

import httpx
import requests

logger = logging.getLogger(__name__)

CARRIER_BASE_URL = os.environ.get("RMA_CARRIER_BASE_URL", "https://api.parcelcarrier.example/v1")
CARRIER_API_KEY = os.environ["RMA_CARRIER_API_KEY"]  # expect: MNT002

WAREHOUSE_ADDRESS = {
    "name": "Returns Dept - DC2",
    "street": "41 Harbour Road",
    "city": "Rotterdam",
    "postcode": "3089 JB",
    "country": "NL",
}


def _headers() -> dict:
    return {"X-Api-Key": CARRIER_API_KEY, "Accept": "application/json"}


def nearest_service_point(postcode: str, country: str) -> dict | None:
    resp = requests.get(  # ok: REL001
        f"{CARRIER_BASE_URL}/service-points",
        params={"postcode": postcode, "country": country, "limit": 1},
        headers=_headers(),
        timeout=5,
    )
    resp.raise_for_status()
    points = resp.json().get("points") or []
    return points[0] if points else None


async def create_return_label(rma: dict, customer_address: dict) -> dict:
    client = httpx.AsyncClient(base_url=CARRIER_BASE_URL, headers=_headers(), timeout=15)  # expect: RES001
    payload = {
        "reference": f"RMA-{rma['id']}",
        "service": "returns_standard",
        "from": customer_address,
        "to": WAREHOUSE_ADDRESS,
        "parcel": {"weight_grams": 2000, "contents": rma["sku"]},
        "label_format": "pdf",
    }
    point = nearest_service_point(customer_address["postcode"], customer_address["country"])  # expect: CON001
    if point is not None:
        payload["drop_off_point"] = point["id"]

    attempt = 0
    while True:  # expect: REL002
        attempt += 1
        try:
            resp = await client.post("/shipments/returns", json=payload)  # expect: REL003
        except httpx.TransportError as exc:
            logger.warning("carrier unreachable rma_id=%s attempt=%d: %s", rma["id"], attempt, exc)
            await asyncio.sleep(1)
            continue
        if resp.status_code >= 500:
            logger.warning("carrier error rma_id=%s status=%s attempt=%d", rma["id"], resp.status_code, attempt)
            await asyncio.sleep(1)
            continue
        resp.raise_for_status()
        return resp.json()


async def tracking_events(http: httpx.AsyncClient, tracking_number: str) -> list[dict]:
    resp = await http.get(f"{CARRIER_BASE_URL}/tracking/{tracking_number}", headers=_headers())
    if resp.status_code == 404:
        return []
    resp.raise_for_status()
    return resp.json().get("events", [])
