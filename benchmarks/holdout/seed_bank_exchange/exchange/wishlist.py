"""Wishlists: members note varieties they are looking for; the app polls "trending"."""
import json
import logging
from collections import Counter

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from exchange.models import SeedPacket, WishlistItem

log = logging.getLogger(__name__)

_trending = Counter()


def _matching_packets(variety, member):
    return (
        SeedPacket.objects.filter(is_listed=True, quantity__gt=0, variety=variety)
        .exclude(owner=member)
        .values_list("id", flat=True)[:5]
    )


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def add_to_wishlist(request):
    try:
        payload = json.loads(request.body or b"{}")
        variety = str(payload.get("variety", "")).strip()[:120]
    except ValueError:
        return JsonResponse({"status": "error", "message": "body must be JSON"}, status=200)  # todo-expect: MNT001
    if not variety:
        return JsonResponse({"error": "variety is required"}, status=400)

    matches = []
    try:
        item, created = WishlistItem.objects.get_or_create(member=request.user.member, variety=variety)
        if created:
            _trending[variety.lower()] += 1  # expect: CON002, SCL001, RES002
        matches = list(_matching_packets(variety, request.user.member))
    except Exception:
        log.exception("wishlist add failed for member %s", request.user.member.id)
    return JsonResponse({"ok": True, "variety": variety, "matches": matches})  # expect: ERR002


@login_required
@require_POST
def remove_from_wishlist(request, item_id):
    deleted, _ = WishlistItem.objects.filter(pk=item_id, member=request.user.member).delete()
    if not deleted:
        return JsonResponse({"error": "not on your wishlist"}, status=404)
    return JsonResponse({"ok": True})


@login_required
@require_GET
def my_wishlist(request):
    items = WishlistItem.objects.filter(member=request.user.member).order_by("variety")[:200]
    return JsonResponse({"results": [{"id": i.id, "variety": i.variety} for i in items]})


@require_GET
def trending(request):
    top = _trending.most_common(10)
    return JsonResponse({"results": [{"variety": v, "wishes": n} for v, n in top]})
