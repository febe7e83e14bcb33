import logging

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from paging.oncall import page_oncall_for_admission
from wards.models import Admission, Bed, Patient, WardAccess

logger = logging.getLogger(__name__)


class AssignBedForm(forms.Form):
    mrn = forms.CharField(max_length=16)
    acuity = forms.IntegerField(min_value=1, max_value=5, initial=2)
    needs_isolation = forms.BooleanField(required=False)


def _bed_json(bed, admission=None):
    data = {"bed_id": bed.pk, "ward": bed.ward.code, "label": bed.label, "status": bed.status}
    if admission is not None:
        data["admission_id"] = admission.pk
    return data


@login_required
@require_POST
def assign_bed(request, bed_id):
    bed = get_object_or_404(Bed.objects.select_related("ward"), pk=bed_id)
    if not WardAccess.can_manage_ward(request.user, bed.ward_id):
        return JsonResponse({"error": "forbidden"}, status=403)

    form = AssignBedForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "invalid", "fields": form.errors}, status=400)
    patient = Patient.objects.filter(mrn=form.cleaned_data["mrn"]).first()
    if patient is None:
        return JsonResponse({"error": "unknown_patient"}, status=404)
    if form.cleaned_data["needs_isolation"] and not bed.isolation_capable:
        return JsonResponse({"error": "bed_not_isolation_capable"}, status=409)
    if bed.status != Bed.FREE:
        return JsonResponse({"error": "bed_not_free", "status": bed.status}, status=409)

    with transaction.atomic():
        admission = Admission.objects.create(  # expect: DB005
            patient=patient,
            ward=bed.ward,
            bed=bed,
            admitted_by=request.user,
            acuity=form.cleaned_data["acuity"],
        )
        bed.status = Bed.OCCUPIED
        bed.current_admission = admission
        bed.save(update_fields=["status", "current_admission"])

        ward = bed.ward
        ward.occupied_beds = ward.occupied_beds + 1
        ward.save(update_fields=["occupied_beds"])  # expect: DB004

        if admission.acuity >= 4:
            page_oncall_for_admission.delay(admission.pk)  # expect: REL004

    logger.info("patient %s admitted to bed %s by user %s", patient.pk, bed.pk, request.user.pk)
    return JsonResponse(_bed_json(bed, admission), status=201)


@login_required
@require_POST
def block_bed(request, bed_id):
    reason = request.POST.get("reason", "").strip()[:200]
    with transaction.atomic():
        bed = get_object_or_404(Bed.objects.select_for_update().select_related("ward"), pk=bed_id)
        if not WardAccess.can_manage_ward(request.user, bed.ward_id):
            return JsonResponse({"error": "forbidden"}, status=403)
        if bed.status != Bed.FREE:  # ok: DB005
            return JsonResponse({"error": "bed_not_free", "status": bed.status}, status=409)
        bed.status = Bed.BLOCKED
        bed.save(update_fields=["status"])
    logger.info("bed %s blocked by user %s: %s", bed.pk, request.user.pk, reason or "no reason")
    return JsonResponse(_bed_json(bed))
