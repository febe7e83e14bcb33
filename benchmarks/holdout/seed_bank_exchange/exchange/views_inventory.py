"""A member's own seed packets: stock counts, listing and bulk relisting."""
import logging

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from exchange.models import InventoryAdjustment, SeedPacket, SwapRequest

log = logging.getLogger(__name__)

PAGE_SIZE = 30


def _packet_json(packet):
    return {
        "id": packet.id,
        "species": packet.species,
        "variety": packet.variety,
        "year": packet.year_harvested,
        "quantity": packet.quantity,
        "listed": packet.is_listed,
    }


@login_required
def my_packets(request):
    packets = SeedPacket.objects.filter(owner=request.user.member).order_by("species", "variety", "id")
    page = Paginator(packets, PAGE_SIZE).get_page(request.GET.get("page"))  # ok: DB002
    return JsonResponse({
        "results": [_packet_json(p) for p in page.object_list],
        "page": page.number,
        "pages": page.paginator.num_pages,
    })


@login_required
@require_POST
def adjust_quantity(request, packet_id):
    try:
        delta = int(request.POST["delta"])
    except (KeyError, ValueError):
        return JsonResponse({"error": "delta must be an integer"}, status=400)
    reason = request.POST.get("reason", "").strip()[:120] or "manual count"

    with transaction.atomic():
        packet = get_object_or_404(
            SeedPacket.objects.select_for_update(), pk=packet_id, owner=request.user.member  # ok: SEC018
        )
        if packet.quantity + delta < 0:
            return JsonResponse({"error": "that would leave a negative count"}, status=409)
        packet.quantity += delta
        packet.save(update_fields=["quantity"])  # ok: DB004
        InventoryAdjustment.objects.create(packet=packet, actor=request.user.member, delta=delta, reason=reason)
    log.info("member %s adjusted packet %s by %+d (%s)", request.user.member.id, packet.id, delta, reason)
    return JsonResponse(_packet_json(packet))


@login_required
@require_POST
def fulfil_from_stock(request, swap_id):
    """Owner confirms they posted the packets themselves: take them off the count."""
    member = request.user.member
    with transaction.atomic():
        swap = get_object_or_404(
            SwapRequest.objects.select_for_update(), pk=swap_id, packet__owner=member, status="pending"
        )
        taken = SeedPacket.objects.filter(pk=swap.packet_id, quantity__gte=swap.quantity).update(
            quantity=F("quantity") - swap.quantity  # ok: DB004, DB005
        )
        if not taken:
            return JsonResponse({"error": "not enough packets left"}, status=409)
        swap.status = "shipped"
        swap.save(update_fields=["status", "updated_at"])
    log.info("swap %s fulfilled from member %s's stock", swap.id, member.id)
    return JsonResponse({"id": swap.id, "status": swap.status})


@login_required
@require_POST
def relist_all(request):
    count = SeedPacket.objects.filter(owner=request.user.member, is_listed=False, quantity__gt=0).update(
        is_listed=True
    )
    log.info("member %s relisted %d packets", request.user.member.id, count)
    return JsonResponse({"relisted": count})
