"""Invitations, joining a choir, and section assignments."""
import logging
import secrets
import time
from collections import defaultdict

from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from notifications.digest import schedule_digest_for_new_member
from notifications.mailer import Outgoing, send_batch
from rehearsals.models import Choir, Invite, Member, Section

logger = logging.getLogger(__name__)
User = get_user_model()

INVITES_PER_HOUR = 30
_invite_times: dict[int, list[float]] = defaultdict(list)


@login_required
@require_POST
def create_invite(request, choir_slug):
    choir = get_object_or_404(
        Choir, slug=choir_slug, members__user=request.user, members__role=Member.ROLE_ADMIN
    )
    email = request.POST.get("email", "").strip().lower()
    if "@" not in email:
        return JsonResponse({"error": "a valid e-mail is required"}, status=400)
    now = time.monotonic()
    recent = [t for t in _invite_times[choir.id] if now - t < 3600]
    if len(recent) >= INVITES_PER_HOUR:
        return JsonResponse({"error": "too many invites this hour"}, status=429)
    _invite_times[choir.id] = recent + [now]  # expect: SCL001, CON002

    invite = Invite.objects.create(choir=choir, email=email, token=secrets.token_urlsafe(32))  # ok: SEC010
    link = request.build_absolute_uri(f"/join/{invite.token}")
    send_batch([  # expect: REL004
        Outgoing(to=email, subject=f"Join {choir.name}", text=f"You're invited to {choir.name}: {link}",
                 reply_to=choir.reply_to or None, dedup_ref=f"invite-{invite.id}")
    ])
    logger.info("choir %s invite %s created by user %s", choir.id, invite.id, request.user.id)
    return JsonResponse({"invite": invite.id}, status=201)


@require_POST
def accept_invite(request, token):
    logger.info("accepting invite, form=%s", request.POST.dict())  # expect: SEC007
    password = request.POST.get("password", "")
    name = request.POST.get("display_name", "").strip()
    if not name:
        return JsonResponse({"error": "display_name is required"}, status=400)
    with transaction.atomic():
        invite = get_object_or_404(
            Invite.objects.select_for_update(), token=token, accepted_at__isnull=True
        )
        user = User.objects.filter(email__iexact=invite.email).first()
        if user is None:
            try:
                validate_password(password)
            except ValidationError as exc:
                return JsonResponse({"error": list(exc.messages)}, status=400)
            user = User.objects.create_user(username=invite.email, email=invite.email, password=password)
        member, _ = Member.objects.get_or_create(
            user=user, choir=invite.choir,
            defaults={"display_name": name, "email": invite.email, "role": invite.role},
        )
        invite.accepted_at = timezone.now()
        invite.save(update_fields=["accepted_at"])
        schedule_digest_for_new_member(member)
    login(request, user)
    return JsonResponse({"member": member.id, "choir": invite.choir.slug}, status=201)


@login_required
@require_POST
def change_section(request, member_id):
    leader = Member.objects.filter(user=request.user, active=True).first()
    assert leader is not None and leader.is_section_leader, "section leaders only"  # expect: SEC017
    singer = get_object_or_404(Member, pk=member_id)  # expect: SEC018
    section = get_object_or_404(Section, pk=request.POST.get("section_id"), choir_id=singer.choir_id)
    singer.section = section
    singer.save(update_fields=["section"])
    logger.info("leader %s moved member %s to section %s", leader.id, singer.id, section.id)
    return JsonResponse({"member": singer.id, "section": section.name})
