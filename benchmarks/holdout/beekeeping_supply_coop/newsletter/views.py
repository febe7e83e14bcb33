"""Newsletter sign-up on the public site, double opt-in and one-click unsubscribe."""
import logging

from django import forms
from django.core import signing
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from members.models import Member
from newsletter.models import Subscriber
from newsletter.tasks_confirm import send_confirmation

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "newsletter-unsubscribe"
CONFIRM_SALT = "newsletter-confirm"
LINK_MAX_AGE = 60 * 60 * 24 * 90


class SubscribeForm(forms.Form):
    email = forms.EmailField(max_length=254)
    first_name = forms.CharField(max_length=80, required=False)


@require_POST
def subscribe(request):
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    email = form.cleaned_data["email"].strip().lower()
    # Subscriber.email is unique; get_or_create retries the read on IntegrityError.
    subscriber, created = Subscriber.objects.get_or_create(  # ok: DB005
        email=email, defaults={"first_name": form.cleaned_data["first_name"]}
    )
    if created or subscriber.confirmed_at is None:
        send_confirmation.delay(subscriber.pk)
    logger.info("newsletter subscribe for subscriber %s (new=%s)", subscriber.pk, created)
    return JsonResponse({"status": "check your inbox to confirm"}, status=202)


@require_GET
def confirm(request, token):
    try:
        subscriber_id = signing.loads(token, salt=CONFIRM_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return render(request, "newsletter/link_expired.html", status=400)
    Subscriber.objects.filter(pk=subscriber_id, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
    return render(request, "newsletter/confirmed.html")


@csrf_exempt  # ok: SEC014
@require_POST
def one_click_unsubscribe(request, token):
    """RFC 8058 List-Unsubscribe-Post target.

    Mail clients POST here without cookies; the signed token is the only credential.
    """
    try:
        member_id = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return HttpResponseBadRequest("invalid or expired link")
    changed = Member.objects.filter(pk=member_id, newsletter_opt_in=True).update(newsletter_opt_in=False)
    logger.info("one-click unsubscribe for member %s (changed=%s)", member_id, changed)
    return HttpResponse(status=204)


@require_GET
def unsubscribe_page(request, token):
    try:
        member_id = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return render(request, "newsletter/link_expired.html", status=400)
    return render(request, "newsletter/unsubscribe.html", {"token": token, "member_id": member_id})
