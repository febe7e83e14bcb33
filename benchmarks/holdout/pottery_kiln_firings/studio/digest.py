"""Weekly e-mail digest: the coming week's firings, the member's own shelf
bookings and glazes that are running low."""
import logging
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Firing, GlazeStock, Member, ShelfBooking

logger = logging.getLogger(__name__)


def _member_bookings(member, since, until):
    return list(
        ShelfBooking.objects.filter(member=member, shelf__firing__scheduled_for__range=(since, until))
        .select_related("shelf__firing__kiln")
        .order_by("shelf__firing__scheduled_for")
    )


def _digest_context(member, firings, low_glazes, since, until):
    return {
        "member": member,
        "first_name": member.user.first_name or member.user.username,
        "firings": firings,
        "bookings": _member_bookings(member, since, until),
        "low_glazes": low_glazes,
        "week_start": since.date(),
        "week_end": until.date(),
    }


@shared_task(
    bind=True,
    autoretry_for=(SMTPException, ConnectionError),
    max_retries=3,
    default_retry_delay=300,
)
def send_weekly_digest(self):
    since = timezone.now()
    until = since + timedelta(days=7)
    firings = list(
        Firing.objects.filter(scheduled_for__range=(since, until)).select_related("kiln").order_by("scheduled_for")
    )
    low_glazes = list(
        GlazeStock.objects.filter(grams__lt=F("reorder_level_grams")).order_by("name").values_list("name", flat=True)[:20]
    )
    members = Member.objects.filter(active=True, digest_opt_in=True).select_related("user")

    sent = 0
    for member in members:  # expect: DB001
        context = _digest_context(member, firings, low_glazes, since, until)
        body = render_to_string("studio/email/weekly_digest.txt", context)
        send_mail(  # expect: REL003
            subject="This week at the studio",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[member.user.email],
        )
        sent += 1
    print(f"weekly digest sent to {sent} members")  # expect: OBS001
    return sent
