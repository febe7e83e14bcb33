import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import fraud_client
from .models import Campaign, Pledge

logger = logging.getLogger(__name__)


def _pledge_json(pledge):
    return {
        "id": pledge.pk,
        "campaign": pledge.campaign.slug,
        "amount_cents": pledge.amount_cents,
        "status": pledge.status,
        "created_at": pledge.created_at.isoformat(),
    }


def _client_ip(request):
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def create_pledge(request, slug):
    try:
        payload = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": "invalid_json"}, status=400)

    amount = payload.get("amount_cents")
    if not isinstance(amount, int) or amount < settings.MIN_PLEDGE_CENTS:
        return JsonResponse({"error": "invalid_amount"}, status=400)

    campaign = get_object_or_404(Campaign, slug=slug, status=Campaign.Status.LIVE)
    already = (
        Pledge.objects.filter(campaign=campaign, backer=request.user)
        .exclude(status=Pledge.Status.CANCELLED)
        .exists()
    )
    if already:
        return JsonResponse({"error": "already_pledged"}, status=409)

    score = fraud_client.score_pledge(request.user.pk, amount, _client_ip(request))
    if score >= settings.FRAUD_BLOCK_THRESHOLD:
        logger.warning("pledge blocked user=%s campaign=%s score=%.2f", request.user.pk, slug, score)
        return JsonResponse({"error": "pledge_rejected"}, status=403)

    pledge = Pledge.objects.create(  # expect: DB005
        campaign=campaign,
        backer=request.user,
        amount_cents=amount,
        fraud_score=score,
    )
    campaign.pledged_cents += amount
    campaign.backer_count += 1
    campaign.save(update_fields=["pledged_cents", "backer_count"])  # expect: DB004

    logger.info("pledge created id=%s campaign=%s user=%s", pledge.pk, slug, request.user.pk)
    return JsonResponse(_pledge_json(pledge), status=201)


@login_required
@require_POST
def cancel_pledge(request, pledge_id):
    pledge = get_object_or_404(
        Pledge.objects.select_related("campaign"), pk=pledge_id, backer=request.user
    )
    if pledge.status != Pledge.Status.PENDING:
        return JsonResponse({"error": "not_cancellable"}, status=409)
    if pledge.campaign.status != Campaign.Status.LIVE:
        return JsonResponse({"error": "campaign_closed"}, status=409)

    updated = Pledge.objects.filter(pk=pledge.pk, status=Pledge.Status.PENDING).update(
        status=Pledge.Status.CANCELLED
    )
    if updated:
        from django.db.models import F

        Campaign.objects.filter(pk=pledge.campaign_id).update(
            pledged_cents=F("pledged_cents") - pledge.amount_cents,  # ok: DB004
            backer_count=F("backer_count") - 1,
        )
    return JsonResponse({"id": pledge.pk, "status": Pledge.Status.CANCELLED})


@login_required
@require_GET
def campaign_backers(request, slug):
    campaign = get_object_or_404(Campaign, slug=slug, owner=request.user)
    pledges = (
        Pledge.objects.filter(campaign=campaign)
        .exclude(status=Pledge.Status.CANCELLED)
        .select_related("backer")
        .order_by("-created_at")
    )
    rows = [
        {"backer": p.backer.get_username(), "amount_cents": p.amount_cents, "status": p.status}
        for p in pledges.all()  # expect: DB002
    ]
    return JsonResponse({"campaign": slug, "backers": rows})
