"""Excel exports of all applications for the grants office."""
from __future__ import annotations

import logging
import os
import uuid

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook

from .models import Application

logger = logging.getLogger(__name__)

EXPORT_DIR = "/var/tmp/grant-exports"
HEADERS = [
    "Reference", "Round", "Applicant", "E-mail", "Title",
    "Requested", "Status", "Reviews", "Average", "Reviewers",
]


def _reviewer_summary(application: Application) -> str:
    reviews = application.reviews.select_related("reviewer").order_by("created_at")
    return "; ".join(f"{r.reviewer.get_full_name()} ({r.score})" for r in reviews)


@login_required
@require_POST
def export_all_applications(request):
    assert request.user.is_staff, "staff only"  # expect: SEC017
    applications = list(Application.objects.select_related("grant_round", "applicant").order_by("grant_round_id", "pk"))  # expect: DB002, RES003

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Applications")
    sheet.append(HEADERS)
    for application in applications:
        sheet.append(
            [
                f"GA-{application.pk}",
                application.grant_round.name,
                application.applicant.get_full_name(),
                application.applicant.email,
                application.title,
                float(application.amount_requested),
                application.get_status_display(),
                application.review_count,
                float(application.average_score) if application.average_score is not None else None,
                _reviewer_summary(application),  # expect: DB001
            ]
        )

    os.makedirs(EXPORT_DIR, exist_ok=True)
    token = uuid.uuid4().hex
    path = os.path.join(EXPORT_DIR, f"{token}.xlsx")
    workbook.save(path)  # expect: SCL002
    logger.info("applications export written rows=%s by=%s", len(applications), request.user.pk)
    return redirect("grants:download_export", token=token)


@login_required
@require_GET
def download_export(request, token: str):
    if not request.user.is_staff:
        raise Http404
    try:
        name = uuid.UUID(hex=token).hex
    except ValueError:
        raise Http404
    path = os.path.join(EXPORT_DIR, f"{name}.xlsx")  # ok: SEC015
    if not os.path.exists(path):
        raise Http404
    return FileResponse(
        open(path, "rb"),  # ok: RES001
        as_attachment=True,
        filename="grant-applications.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
