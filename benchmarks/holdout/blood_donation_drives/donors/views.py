"""Donor-facing pages: registration, consent upload, eligibility; staff donor search."""
import logging
import os
from datetime import date

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from .eligibility import refresh_donor
from .models import Donor

log = logging.getLogger(__name__)
User = get_user_model()


@require_http_methods(["GET", "POST"])
def register(request):
    if request.method == "GET":
        return render(request, "donors/register.html")
    form = request.POST
    log.info("donor registration submitted: %s", form.dict())  # expect: SEC007
    email = form.get("email", "").strip().lower()
    try:
        dob = date.fromisoformat(form.get("date_of_birth", ""))
    except ValueError:
        return render(request, "donors/register.html", {"error": "Enter your date of birth."}, status=400)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=email,
                email=email,
                password=form["password"],
                first_name=form.get("first_name", ""),
                last_name=form.get("last_name", ""),
            )
            Donor.objects.create(  # ok: DB005
                user=user,
                national_id=form["national_id"].strip().upper(),
                date_of_birth=dob,
                phone=form.get("phone", ""),
                sms_opt_in=form.get("sms_opt_in") == "on",
            )
    except IntegrityError:
        return render(request, "donors/register.html", {"error": "You are already registered."}, status=409)
    login(request, user)
    return redirect("donors:eligibility")


@login_required
def my_eligibility(request):
    decision = refresh_donor(request.user.donor)
    return render(request, "donors/eligibility.html", {"decision": decision})


@login_required
@require_POST
def upload_consent(request):
    upload = request.FILES.get("consent")  # expect: SEC019
    if upload is None:
        return HttpResponseBadRequest("Attach your signed consent form.")
    donor = request.user.donor
    folder = os.path.join(settings.MEDIA_ROOT, "consent", str(donor.pk))
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"consent-{timezone.now():%Y%m%d%H%M%S}.pdf")
    with open(path, "wb") as fh:  # expect: SCL002
        for chunk in upload.chunks():
            fh.write(chunk)
    donor.consent_form_key = path
    donor.save(update_fields=["consent_form_key"])
    log.info("donor=%s uploaded consent form", donor.pk)
    return redirect("donors:eligibility")


@staff_member_required
def donor_search(request):
    q = request.GET.get("q", "").strip()
    if len(q) < 2:
        return JsonResponse({"results": []})
    donors = Donor.objects.select_related("user").filter(user__last_name__icontains=q)  # expect: DB006
    results = [  # expect: DB002
        {"id": d.pk, "name": d.user.get_full_name(), "blood_group": d.blood_group, "phone": d.phone}
        for d in donors
    ]
    return JsonResponse({"results": results})
