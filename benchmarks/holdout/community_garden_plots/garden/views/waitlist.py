"""Member-facing waitlist pages and the committee's waitlist overview."""
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from garden.models import Site, WaitlistEntry

logger = logging.getLogger("garden.waitlist")


@login_required
@require_POST
@csrf_exempt  # expect: SEC014
def join_waitlist(request, site_id):
    site = get_object_or_404(Site, pk=site_id)
    member = request.user.member
    if WaitlistEntry.objects.filter(site=site, member=member, status="waiting").exists():
        messages.info(request, f"You are already on the waiting list for {site.name}.")
        return redirect("garden:my-waitlists")
    position = WaitlistEntry.objects.filter(site=site).count() + 1
    WaitlistEntry.objects.create(site=site, member=member, position=position)  # expect: DB005
    logger.info("member %s joined waitlist for site %s at position %s", member.pk, site.pk, position)
    messages.success(request, f"You are number {position} on the list for {site.name}.")
    return redirect("garden:my-waitlists")


@login_required
def my_waitlists(request):
    entries = (
        WaitlistEntry.objects.filter(member=request.user.member)
        .exclude(status="withdrawn")
        .select_related("site")
        .order_by("joined_at")
    )
    return render(request, "garden/my_waitlists.html", {"entries": entries})


@login_required
@require_POST
def withdraw(request, entry_id):
    entry = get_object_or_404(WaitlistEntry, pk=entry_id, status="waiting")  # expect: SEC018
    entry.status = "withdrawn"
    entry.save(update_fields=["status"])
    later = WaitlistEntry.objects.filter(site_id=entry.site_id, status="waiting", position__gt=entry.position)
    for other in later:
        other.position = other.position - 1
        other.save(update_fields=["position"])  # expect: DB004
    logger.info("waitlist entry %s withdrawn by user %s", entry.pk, request.user.pk)
    messages.success(request, "You have left the waiting list.")
    return redirect("garden:my-waitlists")


@login_required
@permission_required("garden.view_waitlistentry", raise_exception=True)
def waitlist_overview(request, site_id):
    site = get_object_or_404(Site, pk=site_id)
    entries = WaitlistEntry.objects.filter(site=site, status="waiting").order_by("position")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = []
    for entry in page.object_list:
        user = entry.member.user  # expect: DB001
        rows.append(
            {
                "position": entry.position,
                "name": user.get_full_name() or user.username,
                "email": user.email,
                "phone": entry.member.phone,
                "years_waiting": round((today - entry.joined_at.date()).days / 365.25, 1),
            }
        )
    return render(request, "garden/waitlist_overview.html", {"site": site, "page": page, "rows": rows})
