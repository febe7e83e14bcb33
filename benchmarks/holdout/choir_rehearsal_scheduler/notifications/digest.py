"""Monday digest: the week's rehearsals, sent once per member per week."""
import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from choir.celery import task_context
from notifications.mailer import Outgoing, send_batch
from rehearsals.models import Choir, Member, Rehearsal, ReminderLog

logger = logging.getLogger(__name__)

BATCH = 100


def _week_ref(today) -> str:
    monday = today - timedelta(days=today.weekday())
    return monday.isoformat()


def _digest_text(member: Member, rehearsals) -> str:
    lines = [f"Hi {member.display_name}, here is this week's schedule:", ""]
    for r in rehearsals:
        local = timezone.localtime(r.starts_at)
        lines.append(f"- {local:%a %d %b %H:%M} {r.title or 'Rehearsal'} at {r.venue.name}")
    lines += ["", f"Section: {member.section.name if member.section else 'unassigned'}"]
    return "\n".join(lines)


@shared_task
def send_all_digests():
    ref = _week_ref(timezone.localdate())
    for choir_id in Choir.objects.values_list("id", flat=True):
        send_choir_digest.delay(choir_id, ref)


@shared_task(bind=True, max_retries=5, default_retry_delay=300)  # ok: REL002
def send_choir_digest(self, choir_id, week_ref):
    start = timezone.make_aware(datetime.fromisoformat(week_ref))
    rehearsals = list(
        Rehearsal.objects.filter(choir_id=choir_id, starts_at__range=(start, start + timedelta(days=7)))
        .select_related("venue")
        .order_by("starts_at")
    )
    if not rehearsals:
        return 0
    already = set(
        ReminderLog.objects.filter(
            member__choir_id=choir_id, kind="digest", ref=week_ref, sent_at__isnull=False
        ).values_list("member_id", flat=True)
    )
    members = (
        Member.objects.filter(choir_id=choir_id, active=True, email_opt_in=True)
        .exclude(id__in=already)
        .select_related("section")  # ok: DB001
        .order_by("id")
    )
    outgoing = [
        Outgoing(to=m.email, subject="This week at choir", text=_digest_text(m, rehearsals),
                 dedup_ref=f"digest-{week_ref}-{m.id}")
        for m in members.iterator(chunk_size=BATCH)
    ]

    def _mark_sent(message: Outgoing) -> None:
        member_id = int(message.dedup_ref.rsplit("-", 1)[1])
        ReminderLog.objects.update_or_create(  # ok: REL003, DB003
            member_id=member_id, kind="digest", ref=week_ref, defaults={"sent_at": timezone.now()}
        )

    try:
        sent = send_batch(outgoing, on_sent=_mark_sent)
    except OSError as exc:
        logger.warning("digest for choir %s interrupted, retrying", choir_id, extra=task_context(self))
        raise self.retry(exc=exc)
    logger.info("digest for choir %s: %d sent", choir_id, sent, extra=task_context(self))
    return sent


def schedule_digest_for_new_member(member: Member) -> None:
    """After a member joins mid-week: send the digest to anyone who has not had it."""
    ref = _week_ref(timezone.localdate())
    transaction.on_commit(lambda: send_choir_digest.delay(member.choir_id, ref))  # ok: REL004
