"""Gift code redemption for members, plus staff tools for support requests."""
import logging
import random
import string

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from club.models import GiftMembership, Member
from notifications.emails import send_gift_code_email

logger = logging.getLogger(__name__)

SUPPORT_CODE_ALPHABET = string.ascii_uppercase + string.digits


@login_required
@require_POST
def redeem_gift(request):
    code = request.POST.get("code", "").strip().upper()
    if not code:
        return JsonResponse({"detail": "Enter the code from your gift email."}, status=400)

    gift = GiftMembership.objects.filter(code=code, status="paid", redeemed_at__isnull=True).first()
    if gift is None:
        return JsonResponse({"detail": "This code is invalid or has already been used."}, status=400)

    with transaction.atomic():
        member, created = Member.objects.get_or_create(user=request.user, defaults={"tier": gift.tier})
        member.prepaid_quarters = F("prepaid_quarters") + gift.quarters
        member.active = True
        member.save(update_fields=["prepaid_quarters", "active"])  # expect: DB005
        gift.redeemed_by = member
        gift.redeemed_at = timezone.now()
        gift.save(update_fields=["redeemed_by", "redeemed_at"])

    member.refresh_from_db(fields=["prepaid_quarters"])
    logger.info("gift %s redeemed by member %s (new member: %s)", gift.pk, member.pk, created)
    return JsonResponse({"tier": member.tier, "prepaid_quarters": member.prepaid_quarters})


@staff_member_required
@require_GET
def search_gifts(request):
    query = request.GET.get("q", "").strip()
    if len(query) < 3:
        return JsonResponse({"results": []})
    gifts = GiftMembership.objects.filter(purchaser_email__icontains=query).order_by("-created_at")[:50]  # expect: DB006
    return JsonResponse(
        {
            "results": [
                {
                    "id": g.pk,
                    "purchaser_email": g.purchaser_email,
                    "recipient_email": g.recipient_email,
                    "status": g.status,
                    "redeemed": g.redeemed_at is not None,
                    "created_at": g.created_at.isoformat(),
                }
                for g in gifts
            ]
        }
    )


@staff_member_required
@require_POST
def reissue_code(request, gift_id):
    """Support flow: the recipient lost the email, or the code was shared publicly."""
    gift = get_object_or_404(GiftMembership, pk=gift_id, status="paid", redeemed_at__isnull=True)
    gift.code = "".join(random.choices(SUPPORT_CODE_ALPHABET, k=12))  # expect: SEC010
    gift.save(update_fields=["code"])
    send_gift_code_email.delay(gift.pk, reissue=True)
    logger.info("gift %s code reissued by staff user %s", gift.pk, request.user.pk)
    return JsonResponse({"id": gift.pk, "reissued": True})
