"""Artist self-service: weekly availability, edited from the studio dashboard."""
import json
import logging
from datetime import time

import yaml
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from bookings.models import Artist, AvailabilityBlock

logger = logging.getLogger(__name__)

MAX_TEMPLATE_BYTES = 64 * 1024


def _parse_blocks(raw_blocks) -> list[tuple[int, time, time]]:
    blocks = []
    for item in raw_blocks:
        weekday = int(item["weekday"])
        start = time.fromisoformat(str(item["start"]))
        end = time.fromisoformat(str(item["end"]))
        if not 0 <= weekday <= 6 or end <= start:
            raise ValueError(f"bad block: {item!r}")
        blocks.append((weekday, start, end))
    return blocks


def _replace_availability(artist: Artist, blocks) -> None:
    with transaction.atomic():
        AvailabilityBlock.objects.filter(artist=artist).delete()
        AvailabilityBlock.objects.bulk_create(
            AvailabilityBlock(artist=artist, weekday=w, start_time=s, end_time=e) for w, s, e in blocks
        )


@login_required
@require_GET
def get_availability(request):
    artist = get_object_or_404(Artist, user=request.user)
    blocks = artist.availability.order_by("weekday", "start_time")
    return JsonResponse({"blocks": [
        {"weekday": b.weekday, "start": b.start_time.isoformat(), "end": b.end_time.isoformat()} for b in blocks
    ]})


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def update_availability(request):
    """Saves the week from the drag-and-drop planner on the artist dashboard."""
    artist = get_object_or_404(Artist, user=request.user)
    try:
        blocks = _parse_blocks(json.loads(request.body)["blocks"])
    except (KeyError, TypeError, ValueError) as exc:
        return JsonResponse({"error": f"Invalid availability: {exc}"}, status=400)
    _replace_availability(artist, blocks)
    logger.info("availability updated artist=%s blocks=%s", artist.id, len(blocks))
    return JsonResponse({"saved": len(blocks)})


@login_required
@require_POST
def import_availability_template(request):
    """Artists can upload the YAML week template the old booking tool exported."""
    artist = get_object_or_404(Artist, user=request.user)
    upload = request.FILES.get("template")
    if upload is None or upload.size > MAX_TEMPLATE_BYTES:
        return JsonResponse({"error": "Upload a template under 64 KB."}, status=400)
    data = yaml.load(upload.read(), Loader=yaml.Loader)  # expect: SEC004
    try:
        blocks = _parse_blocks(data.get("availability", []))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        return JsonResponse({"error": f"Invalid template: {exc}"}, status=400)
    _replace_availability(artist, blocks)
    logger.info("availability imported artist=%s blocks=%s", artist.id, len(blocks))
    return JsonResponse({"saved": len(blocks)})
