"""Client for the courier's labels API: quotes, labels and tracking for finished orders."""

import io
import logging
from dataclasses import dataclass

import requests
from django.conf import settings

from orders.models import Order

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 20
MAX_LABEL_BYTES = 2 * 1024 * 1024


class CourierError(Exception):
    pass


@dataclass(frozen=True)
class Label:
    tracking_number: str
    label_url: str
    service: str


def _session() -> requests.Session:
    session = requests.Session()
    session.headers.update({
        "Authorization": f"Bearer {settings.COURIER_API_KEY}",
        "User-Agent": "ink-and-platen/1.4",
    })
    return session


def quote(weight_g: int, postcode: str) -> list[dict]:
    with _session() as session:
        resp = session.post(
            f"{settings.COURIER_API_URL}/quotes",
            json={"weight_g": weight_g, "destination": {"postcode": postcode, "country": "GB"}},
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
        )
    if resp.status_code >= 400:
        raise CourierError(f"quote failed with {resp.status_code}")
    return resp.json()["services"]


def create_label(order: Order, weight_g: int, address: dict, service: str = "tracked48") -> Label:
    payload = {
        "reference": order.reference,
        "service": service,
        "parcel": {"weight_g": weight_g, "length_mm": 240, "width_mm": 170, "depth_mm": 30},
        "recipient": address,
    }
    headers = {"Idempotency-Key": f"label-{order.reference}"}  # ok: REL003
    session = _session()  # expect: RES001
    resp = session.post(f"{settings.COURIER_API_URL}/shipments", json=payload, headers=headers)  # expect: REL001
    if resp.status_code >= 400:
        raise CourierError(f"label request for {order.reference} failed with {resp.status_code}")
    data = resp.json()
    logger.info("courier label created", extra={"order_ref": order.reference})
    return Label(tracking_number=data["tracking_number"], label_url=data["label_url"], service=service)


def fetch_label_pdf(label: Label) -> bytes:
    with _session() as session, session.get(
        label.label_url, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), stream=True
    ) as resp:
        resp.raise_for_status()
        buf = io.BytesIO()
        for chunk in resp.iter_content(chunk_size=64 * 1024):
            buf.write(chunk)
            if buf.tell() > MAX_LABEL_BYTES:
                raise CourierError("label larger than expected")
    return buf.getvalue()


def dispatch(order: Order, weight_g: int, address: dict) -> Label:
    """Buy a label and mark the order shipped; the dispatch notice task e-mails the couple."""
    label = create_label(order, weight_g, address)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SHIPPED, tracking_number=label.tracking_number)
    return label
