"""Loyalty points: earning on completed rentals and redeeming rewards."""
from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from .models import LoyaltyAccount, LoyaltyRedemption

logger = logging.getLogger(__name__)

POINTS_PER_RENTAL_DAY = 10
REWARDS = {"child_seat": 150, "upgrade": 500, "free_day": 1200}
TIERS = ((6000, "gold"), (2000, "silver"), (0, "blue"))


def tier_for(lifetime_points: int) -> str:
    return next(name for threshold, name in TIERS if lifetime_points >= threshold)


def award_points(customer_id: int, rental_days: int) -> int:
    points = max(rental_days, 1) * POINTS_PER_RENTAL_DAY
    LoyaltyAccount.objects.get_or_create(customer_id=customer_id)
    LoyaltyAccount.objects.filter(customer_id=customer_id).update(  # ok: DB004
        points=F("points") + points,
        lifetime_points=F("lifetime_points") + points,
    )
    return points


@login_required
@require_POST
def redeem_reward(request, reward: str):
    cost = REWARDS.get(reward)
    if cost is None:
        return JsonResponse({"error": "unknown reward"}, status=404)
    with transaction.atomic():
        updated = LoyaltyAccount.objects.filter(customer=request.user, points__gte=cost).update(  # ok: DB005
            points=F("points") - cost
        )
        if not updated:
            return JsonResponse({"error": "not enough points"}, status=409)
        LoyaltyRedemption.objects.create(customer=request.user, reward=reward, points=cost)
    account = LoyaltyAccount.objects.get(customer=request.user)
    logger.info("loyalty reward redeemed", extra={"user_id": request.user.id, "reward": reward})
    return JsonResponse({"reward": reward, "points_left": account.points})


@login_required
@require_GET
def loyalty_summary(request):
    account, _ = LoyaltyAccount.objects.get_or_create(customer=request.user)
    recent = LoyaltyRedemption.objects.filter(customer=request.user).order_by("-created_at")[:10]
    return JsonResponse(
        {
            "points": account.points,
            "tier": tier_for(account.lifetime_points),
            "recent_redemptions": [{"reward": r.reward, "points": r.points, "at": r.created_at.isoformat()} for r in recent],
        }
    )
