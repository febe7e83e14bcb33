"""Member card PDFs rendered by a worker and served from S3 (v2)."""
import logging
import os
import subprocess
import tempfile
from datetime import date

import boto3
from botocore.config import Config
from celery import shared_task
from django.conf import settings
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from membership.models import Membership

log = logging.getLogger(__name__)

TEMPLATE_DIR = os.path.join(os.path.dirname(__file__), "templates", "cards")
_jinja = Environment(loader=FileSystemLoader(TEMPLATE_DIR),
                     autoescape=select_autoescape(["html"]))  # ok: SEC016
_s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=20,
                                       retries={"max_attempts": 3}))


def card_key(membership):
    return f"cards/{membership.pk}/{membership.number}-{membership.expires_on:%Y%m}.pdf"


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def render_member_card(self, membership_id):
    membership = Membership.objects.select_related("member", "tier").get(pk=membership_id)
    html = _jinja.get_template("card.html").render(
        name=str(membership.member),
        number=membership.number,
        tier=membership.tier.name,
        expires=membership.expires_on.strftime("%m/%Y"),
        guests=membership.tier.guest_allowance,
    )
    with tempfile.TemporaryDirectory(prefix="card-") as workdir:  # ok: SCL002
        html_path = os.path.join(workdir, "card.html")
        pdf_path = os.path.join(workdir, "card.pdf")
        with open(html_path, "w", encoding="utf-8") as fh:
            fh.write(html)
        subprocess.run(  # ok: SEC002
            ["wkhtmltopdf", "--page-width", "86mm", "--page-height", "54mm", html_path, pdf_path],
            check=True, capture_output=True, timeout=60,
        )
        _s3.upload_file(pdf_path, settings.MEMBER_CARD_BUCKET, card_key(membership),
                        ExtraArgs={"ContentType": "application/pdf"})
    log.info("card rendered for membership %s", membership.number)


class MyMemberCard(APIView):
    def get(self, request):
        membership = (Membership.objects
                      .filter(member__user=request.user, expires_on__gte=date.today())  # ok: SEC018
                      .order_by("-expires_on").first())
        if membership is None:
            return Response({"detail": "No current membership."}, status=status.HTTP_404_NOT_FOUND)
        key = card_key(membership)
        try:
            _s3.head_object(Bucket=settings.MEMBER_CARD_BUCKET, Key=key)
        except _s3.exceptions.ClientError:
            render_member_card.delay(membership.pk)
            return Response({"status": "rendering", "retry_after": 10},
                            status=status.HTTP_202_ACCEPTED)
        url = _s3.generate_presigned_url(
            "get_object", Params={"Bucket": settings.MEMBER_CARD_BUCKET, "Key": key},
            ExpiresIn=300)
        return Response({"status": "ready", "url": url})
