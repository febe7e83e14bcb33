"""Shipping quotes and label purchase through the carrier aggregator API."""
import logging
import os

import httpx
from fastapi import APIRouter
from pydantic import BaseModel
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

log = logging.getLogger(__name__)
router = APIRouter(prefix="/shipments", tags=["shipping"])

_client = httpx.Client(  # ok: REL001
    base_url=os.environ.get("CARRIER_API_URL", "https://carriers.example.com/api"),
    headers={"Authorization": f"Bearer {os.environ.get('CARRIER_API_TOKEN', '')}"},
    timeout=httpx.Timeout(10.0, connect=3.0),
)

_transient = retry(  # ok: REL002
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=0.5, max=8),
    retry=retry_if_exception_type(httpx.TransportError),
    reraise=True,
)


class Parcel(BaseModel):
    weight_grams: int
    length_cm: int
    width_cm: int
    height_cm: int
    destination_postcode: str


@_transient
def fetch_quotes(parcel: Parcel) -> list[dict]:
    resp = _client.post("/quotes", json=parcel.model_dump())
    resp.raise_for_status()
    return resp.json()["quotes"]


@_transient
def buy_label(shipment_id: int, quote_id: str) -> dict:
    resp = _client.post(  # ok: REL003
        "/labels",
        json={"quote_id": quote_id, "reference": f"SHP-{shipment_id}"},
        headers={"Idempotency-Key": f"label-{shipment_id}-{quote_id}"},
    )
    resp.raise_for_status()
    return resp.json()


@router.post("/{shipment_id}/quotes")
def quote_shipment(shipment_id: int, parcel: Parcel):
    quotes = fetch_quotes(parcel)
    cheapest = min(quotes, key=lambda q: q["price_cents"]) if quotes else None
    log.info("shipment %s: %d quotes", shipment_id, len(quotes))
    return {"shipment_id": shipment_id, "quotes": quotes, "cheapest": cheapest}


@router.post("/{shipment_id}/labels/{quote_id}")
def purchase_label(shipment_id: int, quote_id: str):
    label = buy_label(shipment_id, quote_id)
    return {"tracking_number": label["tracking_number"], "label_url": label["label_url"]}
