"""ParcelHop courier client: book and cancel insured pickups of customer cameras."""
import logging
from datetime import date

import httpx
import requests

from ..models import Ticket, User
from ..settings import get_settings

logger = logging.getLogger(__name__)
settings = get_settings()

PICKUP_TIMEOUT = httpx.Timeout(15.0, connect=3.0)
DECLARED_VALUE_PENCE = 50_000
PARCEL = {"length_cm": 30, "width_cm": 20, "height_cm": 20, "weight_g": 2500}


class CourierError(Exception):
    pass


def _service_token() -> str:
    """Client-credentials token for the ParcelHop API."""
    resp = requests.post(
        settings.courier_token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": settings.courier_client_id,
            "client_secret": settings.courier_client_secret.get_secret_value(),
            "scope": "pickups:write",
        },
        timeout=10,
    )
    resp.raise_for_status()
    return resp.json()["access_token"]


def _pickup_payload(ticket: Ticket, customer: User, pickup_date: date) -> dict:
    return {
        "collection": {
            "name": customer.full_name,
            "phone": customer.phone,
            "address_line": customer.address_line,
            "postcode": customer.postcode,
            "date": pickup_date.isoformat(),
        },
        "parcel": PARCEL,
        "declared_value_pence": DECLARED_VALUE_PENCE,
        "customer_reference": f"CF-{ticket.id}",
        "service": "insured-next-day",
    }


async def book_pickup(ticket: Ticket, customer: User, pickup_date: date) -> dict:
    token = _service_token()  # expect: CON001
    async with httpx.AsyncClient(base_url=settings.courier_base_url, timeout=PICKUP_TIMEOUT) as client:
        resp = await client.post(
            "/v2/pickups",
            json=_pickup_payload(ticket, customer, pickup_date),
            headers={
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": f"pickup-{ticket.id}-{pickup_date.isoformat()}",
            },
        )
    if resp.status_code == 422:
        raise CourierError(resp.json().get("message", "pickup rejected"))
    resp.raise_for_status()
    booking = resp.json()
    logger.info("courier booking %s created for ticket %s", booking["reference"], ticket.id)
    return booking


async def cancel_pickup(courier_ref: str) -> bool:
    token = _service_token()  # expect: CON001
    async with httpx.AsyncClient(base_url=settings.courier_base_url, timeout=PICKUP_TIMEOUT) as client:
        resp = await client.delete(f"/v2/pickups/{courier_ref}", headers={"Authorization": f"Bearer {token}"})
    if resp.status_code == 404:
        return False
    resp.raise_for_status()
    logger.info("courier booking %s cancelled", courier_ref)
    return True
