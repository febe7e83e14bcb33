"""The public catalogue of listed seed packets."""
import logging

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from exchange.models import SeedPacket

log = logging.getLogger(__name__)

SPECIES_CHOICES = ("tomato", "bean", "pea", "squash", "lettuce", "chilli", "kale", "herb", "flower")


def _card(packet, region):
    return {
        "id": packet.id,
        "species": packet.species,
        "variety": packet.variety,
        "year": packet.year_harvested,
        "available": packet.quantity,
        "region": region,
    }


@require_GET
def catalogue(request):
    species = request.GET.get("species")
    q = request.GET.get("q", "").strip()
    packets = SeedPacket.objects.filter(is_listed=True, quantity__gt=0)
    if species in SPECIES_CHOICES:
        packets = packets.filter(species=species)
    if q:
        packets = packets.filter(variety__icontains=q)  # expect: DB006
    packets = packets.order_by("-created_at")

    cards = []
    for packet in list(packets):  # expect: DB002
        cards.append(_card(packet, packet.owner.region))  # expect: DB001

    log.info("catalogue species=%s q=%r -> %d packets", species, q, len(cards))
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"results": cards})
    return render(request, "exchange/catalogue.html", {"cards": cards, "species": SPECIES_CHOICES, "q": q})


@require_GET
def packet_detail(request, packet_id):
    packet = get_object_or_404(
        SeedPacket.objects.select_related("owner"), pk=packet_id, is_listed=True
    )
    context = {
        "packet": _card(packet, packet.owner.region),
        "owner_name": packet.owner.display_name,
        "notes": packet.notes,
    }
    return render(request, "exchange/packet_detail.html", context)


@require_GET
def species_counts(request):
    """Small summary for the home page: how many listed packets per species."""
    from django.db.models import Count

    rows = (
        SeedPacket.objects.filter(is_listed=True, quantity__gt=0)
        .values("species")
        .annotate(n=Count("id"))
        .order_by("species")
    )
    return JsonResponse({"species": {r["species"]: r["n"] for r in rows}})
