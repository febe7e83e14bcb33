"""Member directory and profile pages (signed-in members only)."""
import logging

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from exchange.models import Member

log = logging.getLogger(__name__)

PAGE_SIZE = 25
REGIONS = (
    "north-east", "north-west", "yorkshire", "east-midlands", "west-midlands",
    "east", "london", "south-east", "south-west", "wales", "scotland", "northern-ireland",
)


@login_required
def directory(request):
    region = request.GET.get("region")
    members = (
        Member.objects.filter(is_verified=True)
        .select_related("user")
        .annotate(listed=Count("packets", filter=Q(packets__is_listed=True)))
        .order_by("display_name", "id")
    )
    if region in REGIONS:
        members = members.filter(region=region)  # ok: DB006
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))  # ok: DB002

    rows = []
    for member in page.object_list:
        rows.append({
            "id": member.id,
            "name": member.display_name,
            "username": member.user.username,  # ok: DB001
            "region": member.region,
            "listed_packets": member.listed,
        })
    return render(request, "exchange/directory.html", {"rows": rows, "page": page, "regions": REGIONS})


@login_required
def profile(request, member_id):
    member = get_object_or_404(Member.objects.select_related("user"), pk=member_id, is_verified=True)
    packets = member.packets.filter(is_listed=True, quantity__gt=0).order_by("species", "variety")[:60]
    return render(request, "exchange/profile.html", {"member": member, "packets": packets})


@login_required
def my_profile(request):
    member = request.user.member
    open_requests = member.swap_requests.filter(status="pending").select_related("packet")[:20]
    incoming = (
        member.packets.filter(swap_requests__status="pending")
        .annotate(waiting=Count("swap_requests"))
        .order_by("-waiting")[:20]
    )
    log.info("member %s viewed own profile", member.id)
    return render(
        request,
        "exchange/my_profile.html",
        {"member": member, "open_requests": open_requests, "incoming": incoming},
    )
