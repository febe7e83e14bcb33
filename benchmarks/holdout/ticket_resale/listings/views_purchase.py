import requests
import stripe
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from listings.models import Listing, Order
from listings.tickets import issue_tickets

stripe.api_key = settings.STRIPE_SECRET_KEY

_pricing = requests.Session()


def service_fee_cents(listing: Listing) -> int:
    resp = _pricing.get(  # todo-expect: ERR003
        f"{settings.PRICING_SERVICE_URL}/fees",
        params={"event_id": listing.event_id, "subtotal_cents": listing.price_cents * listing.quantity},
        timeout=2,  # ok: REL001
    )
    resp.raise_for_status()
    return int(resp.json()["fee_cents"])


@login_required
@require_POST
def buy_listing(request, listing_id: int):
    listing = get_object_or_404(Listing, pk=listing_id)  # expect: DB005
    if listing.status != Listing.Status.ACTIVE:
        return JsonResponse({"error": "listing is no longer available"}, status=409)
    if listing.seller_id == request.user.id:
        return JsonResponse({"error": "you cannot buy your own listing"}, status=400)

    payment_method = request.POST.get("payment_method")
    if not payment_method:
        return JsonResponse({"error": "payment_method is required"}, status=400)

    amount = listing.price_cents * listing.quantity + service_fee_cents(listing)
    intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
        amount=amount,
        currency="usd",
        customer=request.user.profile.stripe_customer_id,
        payment_method=payment_method,
        confirm=True,
        automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
        metadata={"listing_id": listing.id, "buyer_id": request.user.id},
    )
    if intent.status != "succeeded":
        return JsonResponse({"error": "payment was not completed", "status": intent.status}, status=402)

    order = Order.objects.create(
        listing=listing,
        buyer=request.user,
        quantity=listing.quantity,
        amount_cents=amount,
        payment_intent_id=intent.id,
        status=Order.Status.PAID,
    )
    listing.status = Listing.Status.SOLD
    listing.save(update_fields=["status"])
    issue_tickets(order)
    return JsonResponse({"order_id": order.id, "status": order.status}, status=201)
