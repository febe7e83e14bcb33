"""E-mail notifications about swaps and the weekly wishlist digest."""
import logging
from collections import defaultdict
from smtplib import SMTPException

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from exchange.models import Member, Notification, SeedPacket, SwapRequest, WishlistItem

log = logging.getLogger(__name__)

DIGEST_PAGE = 500
SUBJECTS = {
    "requested": "Someone would like your {variety} seeds",
    "accepted": "Your request for {variety} was accepted",
    "declined": "Your request for {variety} was declined",
}


def notify_on_commit(swap_id, kind):
    """Queue the e-mail only once the swap change is committed."""
    transaction.on_commit(lambda: send_swap_notification.delay(swap_id, kind))  # ok: REL004


@shared_task(bind=True, autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=6)  # ok: REL002
def send_swap_notification(self, swap_id, kind):
    swap = SwapRequest.objects.select_related("requester__user", "packet__owner__user").get(pk=swap_id)
    recipient = swap.packet.owner if kind == "requested" else swap.requester
    note, _ = Notification.objects.get_or_create(  # ok: DB005
        dedupe_key=f"swap-{swap.id}-{kind}",
        defaults={"member": recipient, "kind": f"swap_{kind}"},
    )
    if note.sent_at is not None:
        log.info("notification %s already sent, skipping", note.dedupe_key)
        return
    send_mail(  # ok: REL003
        SUBJECTS[kind].format(variety=swap.packet.variety),
        f"Hello {recipient.display_name},\n\nSee https://seedswap.example.org/swaps/{swap.id}/ for details.\n",
        None,
        [recipient.user.email],
    )
    Notification.objects.filter(pk=note.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    log.info("sent %s notification for swap %s to member %s", kind, swap.id, recipient.id)


@shared_task(acks_late=True)
def send_wishlist_digest():
    """Monday digest: listed packets matching each member's wishlist, 500 members a page."""
    week = timezone.now().strftime("%G-W%V")
    last_id, sent = 0, 0
    while True:  # ok: REL002
        page = list(
            Member.objects.filter(id__gt=last_id, wishlist__isnull=False, user__is_active=True)
            .distinct()
            .select_related("user")
            .prefetch_related(Prefetch("wishlist", queryset=WishlistItem.objects.only("member_id", "variety")))
            .order_by("id")[:DIGEST_PAGE]
        )
        if not page:
            break
        last_id = page[-1].id
        wanted = {w.variety for m in page for w in m.wishlist.all()}
        owners_by_variety = defaultdict(set)
        for variety, owner_id in SeedPacket.objects.filter(
            is_listed=True, quantity__gt=0, variety__in=wanted
        ).values_list("variety", "owner_id"):
            owners_by_variety[variety].add(owner_id)

        for member in page:
            matches = sorted(
                w.variety for w in member.wishlist.all() if owners_by_variety[w.variety] - {member.id}  # ok: DB001
            )[:10]
            if not matches:
                continue
            note, created = Notification.objects.get_or_create(
                dedupe_key=f"digest-{member.id}-{week}", defaults={"member": member, "kind": "digest"}
            )
            if not created:
                continue
            send_mail("New seeds on your wishlist", "Now listed: " + ", ".join(matches), None, [member.user.email])
            Notification.objects.filter(pk=note.pk).update(sent_at=timezone.now())
            sent += 1
    log.info("wishlist digest %s sent to %d members", week, sent)
