"""Server-rendered application pages for residents and the review desk."""
import logging

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from permits.models import PermitApplication

logger = logging.getLogger(__name__)


def _parcel_summary(parcel_id: str) -> dict:
    resp = requests.get(
        f"{settings.GIS_VENDOR['base_url']}/parcels/{parcel_id}",
        headers={"Authorization": f"Token {settings.GIS_VENDOR['token']}"},
        timeout=30,
    )
    resp.raise_for_status()
    return resp.json()


@login_required
@require_GET
def application_detail(request, pk: int):
    application = get_object_or_404(PermitApplication, pk=pk)  # expect: SEC018
    documents = application.documents.order_by("-uploaded_at")[:50]
    parcel = _parcel_summary(application.parcel_id)  # todo-expect: ERR003
    return render(request, "permits/application_detail.html", {
        "application": application,
        "documents": documents,
        "parcel": parcel,
    })


@login_required
@require_POST
def withdraw_application(request, pk: int):
    updated = PermitApplication.objects.filter(
        pk=pk,
        applicant=request.user,
        status__in=[PermitApplication.Status.DRAFT, PermitApplication.Status.SUBMITTED],
    ).update(status=PermitApplication.Status.WITHDRAWN)  # ok: DB004
    if not updated:
        return JsonResponse({"detail": "application cannot be withdrawn"}, status=409)
    logger.info("application %s withdrawn by user %s", pk, request.user.pk)
    return redirect("permits:my-applications")


@login_required
@permission_required("permits.review_application", raise_exception=True)
def review_queue(request):
    status = request.GET.get("status")
    queryset = PermitApplication.objects.order_by("submitted_at")
    if status:
        queryset = queryset.filter(status=status)
    applications = list(queryset)  # expect: DB002
    rows = []
    for application in applications:
        rows.append({
            "id": application.pk,
            "reference": application.reference,
            "applicant": application.applicant.get_full_name(),  # expect: DB001
            "kind": application.get_kind_display(),
            "status": application.status,
            "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        })
    return JsonResponse({"results": rows})


@login_required
@permission_required("permits.review_application", raise_exception=True)
def search_applications(request):
    term = request.GET.get("q", "").strip()
    if len(term) < 3:
        return JsonResponse({"results": []})
    matches = PermitApplication.objects.extra(
        where=[f"site_address ILIKE '%%{term}%%'"]  # expect: SEC001, DB006
    ).order_by("-submitted_at")[:50]
    return JsonResponse({"results": [
        {"id": a.pk, "reference": a.reference, "site_address": a.site_address} for a in matches
    ]})
