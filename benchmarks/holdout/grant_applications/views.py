"""Applicant-facing views: apply, upload documents, track status."""
from __future__ import annotations

import logging
import os

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .forms import ApplicationForm, AttachmentForm
from .models import Application, Attachment, GrantRound
from .notifications import notify_submission

logger = logging.getLogger(__name__)


@login_required
def my_applications(request):
    qs = (
        Application.objects.filter(applicant=request.user)
        .select_related("grant_round")
        .order_by("-created_at")
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))  # ok: DB002
    return render(request, "grants/my_applications.html", {"page": page})


@login_required
def apply(request, round_id: int):
    grant_round = get_object_or_404(GrantRound, pk=round_id)
    existing = Application.objects.filter(grant_round=grant_round, applicant=request.user).exists()
    if existing:
        messages.info(request, "You already have an application in this round.")
        return redirect("grants:my_applications")

    form = ApplicationForm(request.POST or None, grant_round=grant_round)
    if request.method == "POST" and form.is_valid():
        application = form.save(commit=False)
        application.grant_round = grant_round
        application.applicant = request.user
        application.status = Application.Status.SUBMITTED
        application.submitted_at = timezone.now()
        application.save()  # expect: DB005
        notify_submission(application)
        logger.info("application submitted id=%s round=%s user=%s", application.pk, round_id, request.user.pk)
        return redirect("grants:application_detail", pk=application.pk)
    return render(request, "grants/apply.html", {"form": form, "round": grant_round})


@login_required
def application_detail(request, pk: int):
    application = get_object_or_404(Application.objects.select_related("grant_round"), pk=pk)  # todo-expect: SEC018
    attachments = application.attachments.order_by("uploaded_at")
    return render(
        request,
        "grants/application_detail.html",
        {"application": application, "attachments": attachments, "form": AttachmentForm()},
    )


@login_required
@require_POST
def add_attachment(request, pk: int):
    application = get_object_or_404(Application, pk=pk, applicant=request.user)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    upload = form.cleaned_data["file"]
    Attachment.objects.create(
        application=application,
        file=upload,
        original_name=upload.name[:255],
        content_type=upload.detected_content_type,
        size=upload.size,
    )
    messages.success(request, "Attachment uploaded.")
    return redirect("grants:application_detail", pk=pk)


@login_required
@require_POST
def upload_supporting_letter(request, pk: int):
    application = get_object_or_404(Application, pk=pk, applicant=request.user)
    upload = request.FILES.get("letter")
    if upload is None:
        return HttpResponseBadRequest("no file")
    folder = os.path.join(settings.MEDIA_ROOT, "letters", str(application.pk))
    os.makedirs(folder, exist_ok=True)
    dest = os.path.join(folder, upload.name)
    with open(dest, "wb") as fh:  # expect: SEC015
        fh.write(upload.read())  # expect: SEC019
    logger.info("supporting letter stored application=%s", application.pk)
    messages.success(request, "Letter uploaded.")
    return redirect("grants:application_detail", pk=pk)


@login_required
@require_POST
def withdraw(request, pk: int):
    application = get_object_or_404(Application, pk=pk, applicant=request.user)  # ok: SEC018
    if application.status != Application.Status.SUBMITTED:
        messages.error(request, "Only submitted applications can be withdrawn.")
        return redirect("grants:application_detail", pk=pk)
    updated = Application.objects.filter(pk=pk, status=Application.Status.SUBMITTED).update(
        status=Application.Status.DRAFT, submitted_at=None
    )
    if updated:
        logger.info("application withdrawn id=%s user=%s", pk, request.user.pk)
        messages.success(request, "Application withdrawn.")
    return redirect("grants:my_applications")
