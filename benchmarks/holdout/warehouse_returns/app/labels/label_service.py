"""Outbound labels that send rejected returns back to the customer."""
import asyncio
import base64
import logging

import asyncpg
import boto3
import httpx
from botocore.config import Config as BotoConfig
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from app.config import Settings
from app.db import record_event

logger = logging.getLogger(__name__)

_s3 = boto3.client(
    "s3",
    config=BotoConfig(connect_timeout=3, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"}),
)


class CarrierBusy(Exception):
    """The carrier answered 5xx or 429; worth another try."""


class LabelRejected(Exception):
    """The carrier refused the shipment (bad address, unsupported service)."""


async def _post_shipment(http: httpx.AsyncClient, settings: Settings, payload: dict, idempotency_key: str) -> dict:
    headers = {
        "X-Api-Key": settings.carrier_api_key.get_secret_value(),
        "Idempotency-Key": idempotency_key,
    }
    async for attempt in AsyncRetrying(
        stop=stop_after_attempt(4),
        wait=wait_exponential(multiplier=0.5, max=8),
        retry=retry_if_exception_type((httpx.TransportError, CarrierBusy)),
        reraise=True,
    ):
        with attempt:
            resp = await http.post(  # ok: REL003
                f"{settings.carrier_base_url}/shipments",
                json=payload,
                headers=headers,
                timeout=15.0,
            )
            if resp.status_code == 429 or resp.status_code >= 500:
                raise CarrierBusy(f"carrier answered {resp.status_code}")
    if resp.status_code >= 400:
        raise LabelRejected(resp.json().get("message", f"carrier answered {resp.status_code}"))
    return resp.json()


async def ship_back_rejected_item(http: httpx.AsyncClient, conn: asyncpg.Connection, settings: Settings,
                                  rma: asyncpg.Record, address: asyncpg.Record, actor: str) -> str:
    payload = {
        "reference": f"RMA-{rma['id']}-BACK",
        "service": "parcel_standard",
        "from": settings.warehouse_address,
        "to": dict(address),
        "parcel": {"weight_grams": 2000, "contents": rma["sku"]},
        "label_format": "pdf",
    }
    shipment = await _post_shipment(http, settings, payload, idempotency_key=f"rma-{rma['id']}-ship-back")
    key = f"outbound/{rma['id']}/{shipment['tracking_number']}.pdf"
    await asyncio.to_thread(  # ok: CON001
        _s3.put_object,
        Bucket=settings.labels_bucket,
        Key=key,
        Body=base64.b64decode(shipment["label_pdf"]),
        ContentType="application/pdf",
    )
    await conn.execute(
        "UPDATE rma SET outbound_tracking = $2, outbound_label_key = $3, updated_at = now() WHERE id = $1",
        rma["id"],
        shipment["tracking_number"],
        key,
    )
    await record_event(conn, rma["id"], "shipped_back", actor, {"tracking": shipment["tracking_number"]})
    logger.info("rejected item shipped back rma_id=%s tracking=%s", rma["id"], shipment["tracking_number"])
    return shipment["tracking_number"]
