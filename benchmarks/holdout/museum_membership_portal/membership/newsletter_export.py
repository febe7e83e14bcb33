"""Staff export of newsletter subscribers, mailed to the marketing inbox as CSV."""
import csv
import io
import logging
import smtplib
from email.message import EmailMessage

from django.conf import settings
from rest_framework import status
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from membership.models import Member, NewsletterExport

log = logging.getLogger(__name__)

MARKETING_INBOX = "marketing@harbourmuseum.example"
FIELDS = ["email", "first_name", "last_name", "joined_on"]


def _subscribers_csv(segment):
    members = Member.objects.filter(newsletter_opt_in=True).order_by("last_name")
    if segment:
        members = members.filter(email__icontains=segment)  # expect: DB006
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS)
    writer.writeheader()
    rows = list(members.values(*FIELDS))  # expect: DB002, RES003
    writer.writerows(rows)
    return buf.getvalue(), len(rows)


def _mail_csv(body, filename):
    msg = EmailMessage()
    msg["Subject"] = f"Newsletter export {filename}"
    msg["From"] = settings.DEFAULT_FROM_EMAIL
    msg["To"] = MARKETING_INBOX
    msg.set_content("Subscriber export attached.")
    msg.add_attachment(body.encode("utf-8"), maintype="text", subtype="csv", filename=filename)
    smtp = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT)  # expect: REL001, RES001
    smtp.starttls()
    smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
    smtp.send_message(msg)
    smtp.quit()


class NewsletterExportView(APIView):
    permission_classes = [IsAdminUser]

    def post(self, request):
        segment = (request.data.get("domain") or "").strip().lower()
        export = NewsletterExport.objects.create(requested_by=request.user, status="running")
        body, count = _subscribers_csv(segment)
        filename = f"subscribers-{export.pk}.csv"
        try:
            _mail_csv(body, filename)
        except Exception as exc:
            log.error("newsletter export %s could not be mailed: %s", export.pk, exc)  # expect: OBS002
            export.status = "failed"
            export.save(update_fields=["status"])
            return Response({"export": export.pk, "rows": count, "status": "sent"})  # expect: ERR002
        export.row_count = count
        export.status = "sent"
        export.save(update_fields=["row_count", "status"])
        log.info("newsletter export %s mailed (%d rows) by %s", export.pk, count, request.user.pk)
        return Response({"export": export.pk, "rows": count, "status": "sent"},
                        status=status.HTTP_201_CREATED)
