"""Weekly / on-demand subscriber export: streamed to S3, link mailed to marketing."""
import csv
import io
import logging
import smtplib
import tempfile
from email.message import EmailMessage

import boto3
from botocore.config import Config
from celery import shared_task
from django.conf import settings

from membership.models import Member, NewsletterExport

log = logging.getLogger(__name__)

MARKETING_INBOX = "marketing@harbourmuseum.example"
FIELDS = ("email", "first_name", "last_name", "joined_on")
_s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=60,
                                       retries={"max_attempts": 3}))


def _write_csv(fileobj):
    text = io.TextIOWrapper(fileobj, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(FIELDS)
    count = 0
    rows = (Member.objects.filter(newsletter_opt_in=True).order_by("pk")
            .values_list(*FIELDS).iterator(chunk_size=2000))  # ok: DB002, RES003
    for row in rows:
        writer.writerow(row)
        count += 1
    text.detach()
    return count


def _mail_link(url, count):
    msg = EmailMessage()
    msg["Subject"] = f"Newsletter export ready ({count} subscribers)"
    msg["From"] = settings.DEFAULT_FROM_EMAIL
    msg["To"] = MARKETING_INBOX
    msg.set_content(f"Download (valid 24 hours): {url}")
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT,  # ok: REL001, RES001
                      timeout=settings.EMAIL_TIMEOUT) as smtp:
        smtp.starttls()
        smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        smtp.send_message(msg)


@shared_task(bind=True, max_retries=2, default_retry_delay=300)
def export_subscribers(self, requested_by_id=None, export_id=None):
    if export_id is None:
        export = NewsletterExport.objects.create(requested_by_id=requested_by_id, status="running")
    else:
        export = NewsletterExport.objects.get(pk=export_id)
    key = f"exports/subscribers-{export.pk}.csv"
    try:
        with tempfile.TemporaryFile() as spool:
            count = _write_csv(spool)
            spool.seek(0)
            _s3.upload_fileobj(spool, settings.EXPORT_BUCKET, key,
                               ExtraArgs={"ContentType": "text/csv"})
    except Exception:
        log.exception("newsletter export %s failed", export.pk)
        NewsletterExport.objects.filter(pk=export.pk).update(status="failed")
        raise
    NewsletterExport.objects.filter(pk=export.pk).update(status="uploaded", s3_key=key,
                                                         row_count=count)
    url = _s3.generate_presigned_url("get_object",
                                     Params={"Bucket": settings.EXPORT_BUCKET, "Key": key},
                                     ExpiresIn=86400)
    _mail_link(url, count)
    NewsletterExport.objects.filter(pk=export.pk).update(status="sent")
    log.info("newsletter export %s sent (%d rows)", export.pk, count)
    return export.pk
