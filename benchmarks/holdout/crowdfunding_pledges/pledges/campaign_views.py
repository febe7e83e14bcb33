import json
import logging

from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, Paginator
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .models import Campaign, CampaignUpdate, Pledge
from .notifications import send_campaign_update

logger = logging.getLogger(__name__)

PAGE_SIZE = 25


def _campaign_json(campaign):
    return {
        "slug": campaign.slug,
        "title": campaign.title,
        "goal_cents": campaign.goal_cents,
        "pledged_cents": campaign.pledged_cents,
        "backer_count": campaign.backer_count,
        "status": campaign.status,
        "ends_at": campaign.ends_at.isoformat(),
    }


def _page_number(request):
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


@require_GET
def live_campaigns(request):
    queryset = Campaign.objects.filter(status=Campaign.Status.LIVE).order_by("ends_at", "pk")
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        page = paginator.page(_page_number(request))  # ok: DB002
    except EmptyPage:
        return JsonResponse({"results": [], "page": _page_number(request), "has_next": False})
    return JsonResponse(
        {
            "results": [_campaign_json(c) for c in page.object_list],
            "page": page.number,
            "has_next": page.has_next(),
        }
    )


@require_GET
def campaign_detail(request, slug):
    campaign = get_object_or_404(Campaign.objects.select_related("owner"), slug=slug)
    recent = (
        Pledge.objects.filter(campaign=campaign, status=Pledge.Status.PENDING)
        .select_related("backer__backer_profile")
        .order_by("-created_at")[:10]
    )
    data = _campaign_json(campaign)
    data["owner"] = campaign.owner.get_username()
    data["recent_backers"] = [
        p.backer.backer_profile.display_name or "Anonymous" for p in recent  # ok: DB001
    ]
    return JsonResponse(data)


@login_required
@require_GET
def my_pledges(request):
    queryset = (
        Pledge.objects.filter(backer=request.user)
        .select_related("campaign")
        .order_by("-created_at")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(_page_number(request))
    results = [
        {"id": p.pk, "campaign": p.campaign.slug, "amount_cents": p.amount_cents, "status": p.status}
        for p in page.object_list
    ]
    return JsonResponse({"results": results, "page": page.number, "has_next": page.has_next()})


@login_required
@require_POST
def publish_update(request, slug):
    campaign = get_object_or_404(Campaign, slug=slug)
    if campaign.owner_id != request.user.pk:
        return JsonResponse({"error": "forbidden"}, status=403)
    try:
        payload = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": "invalid_json"}, status=400)

    title = (payload.get("title") or "").strip()
    body = (payload.get("body") or "").strip()
    if not title or not body or len(title) > 200:
        return JsonResponse({"error": "invalid_update"}, status=400)

    with transaction.atomic():
        update = CampaignUpdate.objects.create(
            campaign=campaign, title=title, body=body, published_at=timezone.now()
        )
        transaction.on_commit(lambda: send_campaign_update.delay(update.pk))  # ok: REL004
    logger.info("campaign update %s published for %s", update.pk, slug)
    return JsonResponse({"id": update.pk, "title": update.title}, status=201)
