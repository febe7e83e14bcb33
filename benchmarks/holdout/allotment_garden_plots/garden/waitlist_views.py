"""Waiting list: members join a site's list, check their place, or withdraw."""
import logging

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import Site, WaitingListEntry

log = logging.getLogger(__name__)

ACTIVE_STATUSES = ("waiting", "offered")


def _entry_json(entry, ahead=None):
    data = {
        "site": entry.site.code,
        "position": entry.position,
        "status": entry.status,
        "joined": entry.created_at.date().isoformat(),
    }
    if ahead is not None:
        data["members_ahead"] = ahead
    return data


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def join_waiting_list(request, site_code):
    site = get_object_or_404(Site, code=site_code)
    member = request.user.member
    already = WaitingListEntry.objects.filter(
        site=site, member=member, status__in=ACTIVE_STATUSES).exists()
    if already:
        return JsonResponse({"error": "you are already on this waiting list"}, status=409)

    last = WaitingListEntry.objects.filter(site=site).aggregate(last=Max("position"))["last"] or 0
    entry = WaitingListEntry.objects.create(site=site, member=member, position=last + 1)  # expect: DB005
    log.info("member %s joined the %s waiting list at position %s", member.pk, site.code, entry.position)
    return JsonResponse(_entry_json(entry), status=201)


@login_required
@require_GET
def my_place(request, site_code):
    entry = (WaitingListEntry.objects.select_related("site")
             .filter(site__code=site_code, member=request.user.member, status__in=ACTIVE_STATUSES)
             .first())
    if entry is None:
        return JsonResponse({"error": "you are not on this waiting list"}, status=404)
    ahead = WaitingListEntry.objects.filter(
        site=entry.site, status="waiting", position__lt=entry.position).count()
    return JsonResponse(_entry_json(entry, ahead))


@login_required
@require_GET
def my_lists(request):
    entries = (WaitingListEntry.objects.select_related("site")
               .filter(member=request.user.member, status__in=ACTIVE_STATUSES)
               .order_by("created_at"))
    return JsonResponse({"entries": [_entry_json(e) for e in entries]})


@login_required
@require_POST
def withdraw(request, site_code):
    updated = (WaitingListEntry.objects
               .filter(site__code=site_code, member=request.user.member, status="waiting")
               .update(status="withdrawn"))
    if not updated:
        return JsonResponse({"error": "you are not waiting on this list"}, status=404)
    log.info("member %s withdrew from the %s waiting list", request.user.member.pk, site_code)
    return JsonResponse({"site": site_code, "status": "withdrawn"})
