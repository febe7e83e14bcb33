import logging

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from listings.models import Listing, Offer

logger = logging.getLogger(__name__)


@login_required
@require_POST
def make_offer(request, listing_id: int):
    listing = get_object_or_404(Listing, pk=listing_id, status=Listing.Status.ACTIVE)
    try:
        quantity = int(request.POST["quantity"])
        price_cents = int(request.POST["price_cents"])
    except (KeyError, ValueError):
        return JsonResponse({"error": "quantity and price_cents are required integers"}, status=400)
    if not 0 < quantity <= listing.quantity or price_cents <= 0:
        return JsonResponse({"error": "invalid offer"}, status=400)
    offer = Offer.objects.create(listing=listing, buyer=request.user, quantity=quantity, price_cents=price_cents)
    return JsonResponse({"offer_id": offer.id, "status": offer.status}, status=201)


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def accept_offer(request, offer_id: int):
    offer = get_object_or_404(Offer.objects.select_related("listing"), pk=offer_id)
    assert offer.listing.seller_id == request.user.id, "only the seller can accept an offer"  # expect: SEC017

    listing = offer.listing
    if listing.status != Listing.Status.ACTIVE or offer.quantity > listing.quantity:
        return JsonResponse({"error": "not enough tickets left on this listing"}, status=409)

    claimed = Offer.objects.filter(pk=offer.pk, status=Offer.Status.PENDING).update(status=Offer.Status.ACCEPTED)  # ok: DB005
    if not claimed:
        return JsonResponse({"error": "offer was already handled"}, status=409)

    listing.quantity -= offer.quantity  # expect: DB004
    if listing.quantity == 0:
        listing.status = Listing.Status.SOLD
    listing.save(update_fields=["quantity", "status"])

    logger.info("offer accepted offer_id=%s listing_id=%s seller_id=%s", offer.id, listing.id, request.user.id)
    return JsonResponse({"offer_id": offer.id, "status": Offer.Status.ACCEPTED})
