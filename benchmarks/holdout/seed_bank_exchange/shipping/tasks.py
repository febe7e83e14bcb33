"""Background shipping jobs: postage for swaps the bank ships itself, tracking updates."""
import logging

import requests
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from exchange.models import Shipment, SwapRequest
from shipping.carrier import get_carrier

log = logging.getLogger(__name__)

IN_FLIGHT = ("label_created", "in_transit")


def _auth_headers():
    return {"Authorization": f"Bearer {settings.CARRIER_API_KEY}", "Accept": "application/json"}


@shared_task(bind=True, autoretry_for=(requests.RequestException,), retry_backoff=True, max_retries=None)  # expect: REL002
def purchase_postage(self, swap_id):
    """The bank posts packets from its own stock for swaps marked ship_from_bank."""
    swap = SwapRequest.objects.select_related("requester").get(pk=swap_id)
    if not swap.ship_from_bank or swap.status != "accepted":
        log.info("swap %s not eligible for bank postage (status %s)", swap_id, swap.status)
        return
    recipient = swap.requester
    resp = requests.post(  # expect: REL003
        f"{settings.CARRIER_BASE_URL}/labels",
        json={
            "reference": f"bank-swap-{swap.id}",
            "from": settings.SEED_BANK_RETURN_ADDRESS,
            "to": {"name": recipient.display_name, "lines": recipient.shipping_address.splitlines(),
                   "postcode": recipient.postcode},
            "weight_grams": 25 * swap.quantity,
            "service": "large-letter",
        },
        headers=_auth_headers(),
        timeout=20,
    )
    resp.raise_for_status()
    data = resp.json()
    stored = get_carrier().store_label(data["label_url"], f"bank-swap-{swap.id}.pdf")
    Shipment.objects.create(swap=swap, tracking_number=data["tracking_number"], label_file=stored,
                            postage_cents=data["price"]["amount"])
    SwapRequest.objects.filter(pk=swap.pk).update(status="label_created")
    log.info("bank postage bought for swap %s (task %s)", swap.id, self.request.id)


@shared_task
def refresh_tracking():
    carrier = get_carrier()
    shipments = Shipment.objects.filter(status__in=IN_FLIGHT).exclude(tracking_number="").order_by("id")
    delivered = 0
    for shipment in shipments.iterator(chunk_size=200):
        try:
            info = carrier.track(shipment.tracking_number)
        except requests.RequestException:
            log.warning("tracking lookup failed for shipment %s", shipment.id, exc_info=True)
            continue
        new_status = {"delivered": "delivered", "in_transit": "in_transit"}.get(info.get("state"), shipment.status)
        if new_status == shipment.status:
            continue
        Shipment.objects.filter(pk=shipment.pk).update(status=new_status)
        if new_status == "delivered":
            requester = shipment.swap.requester  # expect: DB001
            send_mail(
                "Your seeds have arrived",
                f"Hello {requester.display_name}, ParcelPost says your packet was delivered. Happy sowing!",
                None,
                [requester.user.email],
            )
            delivered += 1
    log.info("tracking refresh done, %d newly delivered", delivered)
