import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import BackerProfile, Campaign, CampaignUpdate, Pledge

logger = logging.getLogger(__name__)

UPDATE_TEMPLATE = """Hi {name},

{campaign} has posted an update: {title}

{body}

You are receiving this because you backed {campaign}.
"""

FAILED_TEMPLATE = """Hi {name},

{campaign} did not reach its goal, so your pledge of ${amount:.2f} will not be charged.
"""


def _greeting_name(pledge):
    profile = BackerProfile.objects.filter(user_id=pledge.backer_id).first()
    if profile and profile.display_name:
        return profile.display_name
    return pledge.backer.first_name or "there"


def _wants_updates(pledge):
    profile = getattr(pledge.backer, "backer_profile", None)
    return profile is None or profile.wants_updates


@shared_task(
    bind=True,
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=3,
)
def send_campaign_update(self, update_id):
    update = CampaignUpdate.objects.select_related("campaign").get(pk=update_id)
    if update.sent_at is not None:
        return
    campaign = update.campaign
    pledges = (
        Pledge.objects.filter(campaign=campaign)
        .exclude(status=Pledge.Status.CANCELLED)
        .select_related("backer", "backer__backer_profile")
    )
    sent = 0
    for pledge in pledges.iterator(chunk_size=500):
        if not _wants_updates(pledge):
            continue
        name = _greeting_name(pledge)  # expect: DB001
        send_mail(  # expect: REL003
            subject=f"[{campaign.title}] {update.title}",
            message=UPDATE_TEMPLATE.format(
                name=name, campaign=campaign.title, title=update.title, body=update.body
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[pledge.backer.email],
        )
        sent += 1

    update.sent_at = timezone.now()
    update.save(update_fields=["sent_at"])
    logger.info("campaign update %s sent to %d backers", update_id, sent)


@shared_task
def notify_campaign_failed(campaign_id):
    campaign = Campaign.objects.get(pk=campaign_id)
    pledges = Pledge.objects.filter(
        campaign=campaign, status=Pledge.Status.PENDING
    ).select_related("backer")
    notified = 0
    for pledge in pledges.iterator(chunk_size=500):
        try:
            send_mail(
                subject=f"{campaign.title} was not funded",
                message=FAILED_TEMPLATE.format(
                    name=pledge.backer.first_name or "there",
                    campaign=campaign.title,
                    amount=pledge.amount_cents / 100,
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[pledge.backer.email],
            )
            notified += 1
        except SMTPException:
            logger.exception("could not notify backer of pledge %s", pledge.pk)
    Pledge.objects.filter(campaign=campaign, status=Pledge.Status.PENDING).update(
        status=Pledge.Status.CANCELLED
    )
    print(f"campaign {campaign_id} failed, notified {notified} backers")  # expect: OBS001
