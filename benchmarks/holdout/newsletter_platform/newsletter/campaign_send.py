import logging
from datetime import datetime, timezone

import boto3
from apscheduler.schedulers.background import BackgroundScheduler
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError
from sqlalchemy import select

from newsletter.celery_app import celery
from newsletter.extensions import db
from newsletter.models import Campaign, Delivery, Subscriber
from newsletter.preview import render_campaign_html
from newsletter.settings import settings

logger = logging.getLogger(__name__)

_ses = boto3.client(
    "sesv2",
    region_name=settings.aws_region,
    config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 3}),
)


@celery.task(autoretry_for=(ClientError, EndpointConnectionError), retry_backoff=True, max_retries=5)
def send_campaign(campaign_id: int) -> int:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status not in ("scheduled", "sending"):
        return 0
    campaign.status = "sending"
    db.session.commit()

    recipients = db.session.scalars(  # todo-expect: RES003
        select(Subscriber).where(Subscriber.list_id == campaign.list_id, Subscriber.status == "active")
    ).all()
    sent = 0
    for subscriber in recipients:
        _ses.send_email(  # expect: REL003
            FromEmailAddress=campaign.from_address,
            Destination={"ToAddresses": [subscriber.email]},
            Content={
                "Simple": {
                    "Subject": {"Data": campaign.subject},
                    "Body": {"Html": {"Data": render_campaign_html(campaign, subscriber)}},
                }
            },
            ListManagementOptions={"ContactListName": campaign.contact_list_name},
        )
        db.session.add(Delivery(campaign_id=campaign.id, subscriber_id=subscriber.id, sent_at=datetime.now(timezone.utc)))
        db.session.commit()  # expect: DB003
        sent += 1

    campaign.status = "sent"
    campaign.sent_at = datetime.now(timezone.utc)
    db.session.commit()
    logger.info("campaign sent campaign_id=%s recipients=%d", campaign.id, sent)
    return sent


def dispatch_due_campaigns() -> None:
    due = db.session.scalars(
        select(Campaign.id).where(Campaign.status == "scheduled", Campaign.scheduled_at <= datetime.now(timezone.utc)).limit(100)
    ).all()
    for campaign_id in due:
        send_campaign.delay(campaign_id)
        logger.info("campaign queued campaign_id=%s", campaign_id)


scheduler = BackgroundScheduler(timezone="UTC")
scheduler.add_job(dispatch_due_campaigns, "interval", minutes=1, id="dispatch_due_campaigns")
scheduler.start()  # expect: SCL003
