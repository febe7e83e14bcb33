"""E-mail notifications sent through SES from Celery workers."""
import logging
import os

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from archive.db import get_conn
from archive.worker import celery

logger = logging.getLogger(__name__)

SENDER = os.environ.get("ARCHIVE_MAIL_FROM", "records@example-lawfirm.com")
PUBLIC_BASE_URL = os.environ.get("ARCHIVE_PUBLIC_URL", "https://archive.example-lawfirm.com")

_ses = boto3.client(
    "ses",
    region_name=os.environ.get("AWS_REGION", "eu-central-1"),
    config=Config(connect_timeout=5, read_timeout=15, retries={"max_attempts": 2}),  # ok: REL001
)


def _claim(link_id: int) -> dict | None:
    """Atomically move the link to 'sending' so a duplicate task run cannot send twice."""
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(  # ok: DB005
            """
            UPDATE share_links l SET notify_status = 'sending'
            FROM document_versions v, documents d, users u
            WHERE l.id = %s AND l.notify_status = 'pending'
              AND v.id = l.version_id AND d.id = v.document_id AND u.id = l.created_by
            RETURNING l.code, l.recipient_email, d.title, u.full_name AS sender_name
            """,
            (link_id,),
        )
        row = cur.fetchone()
        conn.commit()
    return row


def _set_status(link_id: int, status: str) -> None:
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute("UPDATE share_links SET notify_status = %s WHERE id = %s", (status, link_id))
        conn.commit()


@celery.task(bind=True, name="archive.notifications.notify_share_recipient", max_retries=5)
def notify_share_recipient(self, link_id: int) -> None:
    link = _claim(link_id)
    if link is None:
        logger.info("share link %s already notified or gone", link_id)
        return
    body = (
        f"{link['sender_name']} has shared the document \"{link['title']}\" with you.\n\n"
        f"Open it here: {PUBLIC_BASE_URL}/s/{link['code']}\n"
    )
    try:
        _ses.send_email(  # ok: REL003
            Source=SENDER,
            Destination={"ToAddresses": [link["recipient_email"]]},
            Message={
                "Subject": {"Data": f"Document shared with you: {link['title']}"},
                "Body": {"Text": {"Data": body}},
            },
        )
    except (BotoCoreError, ClientError) as exc:
        logger.warning("share notification %s failed, will retry", link_id, exc_info=True)
        _set_status(link_id, "pending")
        raise self.retry(exc=exc, countdown=min(3600, 60 * 2 ** self.request.retries))  # ok: REL002
    _set_status(link_id, "sent")
    logger.info("share notification sent for link %s", link_id)
