"""Printable member cards (PDF), rendered on demand."""
import logging
import os
import subprocess
from datetime import date

from django.conf import settings
from django.http import FileResponse
from jinja2 import Environment, FileSystemLoader
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from membership.models import Member, Membership

log = logging.getLogger(__name__)

TEMPLATE_DIR = os.path.join(os.path.dirname(__file__), "templates", "cards")
CARD_DIR = os.path.join(settings.MEDIA_ROOT, "cards")

_jinja = Environment(loader=FileSystemLoader(TEMPLATE_DIR))  # expect: SEC016


def _render_html(member, membership):
    template = _jinja.get_template("card.html")
    return template.render(
        name=f"{member.first_name} {member.last_name}",
        number=membership.number,
        tier=membership.tier.name,
        expires=membership.expires_on.strftime("%m/%Y"),
        guests=membership.tier.guest_allowance,
    )


class MemberCardView(APIView):
    def get(self, request):
        member_id = request.query_params.get("member") or request.user.member.pk
        member = Member.objects.get(pk=member_id)  # expect: SEC018
        membership = (Membership.objects.select_related("tier")
                      .filter(member=member, expires_on__gte=date.today())
                      .order_by("-expires_on").first())
        if membership is None:
            return Response({"detail": "No current membership."}, status=status.HTTP_404_NOT_FOUND)

        os.makedirs(CARD_DIR, exist_ok=True)
        stem = f"{member.last_name}_{membership.number}"
        html_path = os.path.join(CARD_DIR, f"{stem}.html")
        pdf_path = os.path.join(CARD_DIR, f"{stem}.pdf")
        with open(html_path, "w", encoding="utf-8") as fh:
            fh.write(_render_html(member, membership))  # expect: SCL002

        cmd = f"wkhtmltopdf --page-width 86mm --page-height 54mm {html_path} {pdf_path}"
        result = subprocess.run(cmd, shell=True, capture_output=True, timeout=60)  # expect: SEC002
        if result.returncode != 0:
            log.error("wkhtmltopdf failed for membership %s: %s", membership.number,
                      result.stderr.decode(errors="replace")[:500])
            return Response({"detail": "Could not render card."},
                            status=status.HTTP_500_INTERNAL_SERVER_ERROR)

        log.info("member card rendered for %s", membership.number)
        return FileResponse(open(pdf_path, "rb"), as_attachment=True,
                            filename=f"member-card-{membership.number}.pdf")
