"""Daily varroa alert: warn members (and their neighbours) about high mite counts."""
import logging
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from members.models import Member

from .models import Apiary, Inspection

log = logging.getLogger(__name__)

# Thresholds from the National Bee Unit guidance, per counting method.
VARROA_THRESHOLDS = {
    "sticky_board": 6,     # natural mite drop per day
    "alcohol_wash": 3,     # % of bees infested
    "sugar_roll": 3,
}


def _district(postcode: str) -> str:
    return postcode.strip().upper().split(" ")[0]


def _neighbouring_members(apiary: Apiary) -> list[Member]:
    district = _district(apiary.postcode)
    return list(
        Member.objects.filter(apiaries__postcode__istartswith=district, status=Member.ACTIVE)
        .exclude(pk=apiary.member_id)
        .select_related("user")
        .distinct()
    )


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True,
             max_retries=4)
def send_varroa_alerts() -> int:
    since = timezone.now() - timedelta(days=1)
    recent = Inspection.objects.filter(created_at__gte=since, varroa_count__isnull=False)
    alerts = 0
    for inspection in recent:  # expect: DB001
        limit = VARROA_THRESHOLDS.get(inspection.varroa_method)
        if limit is None or inspection.varroa_count < limit:
            continue
        apiary = inspection.hive.apiary
        owner = apiary.member
        context = {"inspection": inspection, "hive": inspection.hive, "apiary": apiary,
                   "limit": limit}

        send_mail(  # expect: REL003
            subject=f"High varroa count in {inspection.hive.label}",
            message=render_to_string("hives/email/varroa_owner.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[owner.user.email],
        )
        for neighbour in _neighbouring_members(apiary):
            try:
                send_mail(
                    subject="Varroa warning for apiaries near you",
                    message=render_to_string("hives/email/varroa_neighbour.txt",
                                             {"district": _district(apiary.postcode)}),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[neighbour.user.email],
                )
            except Exception:  # expect: ERR001
                pass
        alerts += 1

    log.info("varroa alerts sent for %d inspections", alerts)
    return alerts
