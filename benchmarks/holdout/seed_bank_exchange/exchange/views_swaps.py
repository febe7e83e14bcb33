"""Members ask each other for seed packets; the packet's owner accepts or declines."""
import logging

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from exchange.models import SeedPacket, SwapRequest
from exchange.tasks import notify_on_commit

log = logging.getLogger(__name__)

MAX_OPEN_REQUESTS = 10


class SwapRequestForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=5)
    message = forms.CharField(max_length=280, required=False)


def _swap_json(swap):
    return {
        "id": swap.id,
        "packet_id": swap.packet_id,
        "quantity": swap.quantity,
        "status": swap.status,
        "created_at": swap.created_at.isoformat(),
    }


@login_required
@require_POST
def request_swap(request, packet_id):
    member = request.user.member
    packet = get_object_or_404(SeedPacket, pk=packet_id, is_listed=True)
    form = SwapRequestForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    if packet.owner_id == member.id:
        return JsonResponse({"error": "that is your own packet"}, status=400)

    open_count = SwapRequest.objects.filter(requester=member, status="pending").count()
    if open_count >= MAX_OPEN_REQUESTS:
        return JsonResponse({"error": "you have too many open requests"}, status=429)
    if SwapRequest.objects.filter(requester=member, packet=packet, status="pending").exists():
        return JsonResponse({"error": "you have already asked for this packet"}, status=409)

    swap = SwapRequest.objects.create(  # expect: DB005
        requester=member,
        packet=packet,
        quantity=form.cleaned_data["quantity"],
        message=form.cleaned_data["message"],
    )
    notify_on_commit(swap.id, "requested")
    log.info("member %s requested packet %s (swap %s)", member.id, packet.id, swap.id)
    return JsonResponse(_swap_json(swap), status=201)


@login_required
@require_POST
def accept_swap(request, swap_id):
    swap = get_object_or_404(SwapRequest.objects.select_related("packet"), pk=swap_id)  # expect: SEC018
    if swap.status != "pending":
        return JsonResponse({"error": f"request is already {swap.status}"}, status=409)
    packet = swap.packet
    if packet.quantity < swap.quantity:
        return JsonResponse({"error": "not enough packets left"}, status=409)

    packet.quantity -= swap.quantity
    packet.save(update_fields=["quantity"])  # expect: DB004
    swap.status = "accepted"
    swap.save(update_fields=["status", "updated_at"])  # expect: DB005
    notify_on_commit(swap.id, "accepted")
    log.info("swap %s accepted by member %s", swap.id, request.user.member.id)
    return JsonResponse(_swap_json(swap))


@login_required
@require_POST
def decline_swap(request, swap_id):
    swap = get_object_or_404(
        SwapRequest, pk=swap_id, packet__owner=request.user.member, status="pending"  # ok: SEC018
    )
    swap.status = "declined"
    swap.save(update_fields=["status", "updated_at"])
    notify_on_commit(swap.id, "declined")
    return JsonResponse(_swap_json(swap))


@login_required
def my_requests(request):
    swaps = (
        SwapRequest.objects.filter(requester=request.user.member)
        .order_by("-created_at")[:50]  # ok: DB002
    )
    return JsonResponse({"results": [_swap_json(s) for s in swaps]})
