import logging
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from wards.models import Admission, Patient

logger = logging.getLogger(__name__)

RECENT_LIMIT = 15
_recently_viewed = defaultdict(list)


def _patient_json(patient, with_history=False):
    data = {
        "mrn": patient.mrn,
        "name": f"{patient.family_name.upper()}, {patient.given_name}",
        "date_of_birth": patient.date_of_birth.isoformat(),
    }
    if with_history:
        data["admissions"] = [
            {"id": a.pk, "ward": a.ward.code, "admitted_at": a.admitted_at.isoformat(),
             "discharged_at": a.discharged_at.isoformat() if a.discharged_at else None}
            for a in patient.admissions.select_related("ward").order_by("-admitted_at")[:20]
        ]
    return data


@login_required
@require_GET
def search_patients(request):
    q = request.GET.get("q", "").strip()
    if len(q) < 3:
        return JsonResponse({"error": "query must be at least 3 characters"}, status=400)
    patients = (
        Patient.objects.filter(Q(family_name__icontains=q) | Q(given_name__icontains=q))  # expect: DB006
        .order_by("family_name", "given_name")[:25]
    )
    logger.info("patient search by user %s returned %d rows", request.user.pk, len(patients))
    return JsonResponse({"results": [_patient_json(p) for p in patients]})


@login_required
@require_GET
def patient_detail(request, mrn):
    patient = get_object_or_404(Patient, mrn=mrn)
    viewed = _recently_viewed[request.user.pk]
    if mrn in viewed:
        viewed.remove(mrn)
    viewed.insert(0, mrn)  # expect: CON002, SCL001
    del viewed[RECENT_LIMIT:]
    logger.info("user %s opened patient record %s", request.user.pk, patient.pk)
    return JsonResponse(_patient_json(patient, with_history=True))


@login_required
@require_GET
def recently_viewed(request):
    mrns = list(_recently_viewed.get(request.user.pk, []))
    by_mrn = {p.mrn: p for p in Patient.objects.filter(mrn__in=mrns)}
    return JsonResponse({"results": [_patient_json(by_mrn[m]) for m in mrns if m in by_mrn]})


@login_required
@require_POST
def merge_patients(request):
    keep_mrn = request.POST.get("keep", "").strip()
    duplicate_mrn = request.POST.get("duplicate", "").strip()
    if not keep_mrn or not duplicate_mrn or keep_mrn == duplicate_mrn:
        return JsonResponse({"error": "keep and duplicate MRNs are required"}, status=400)
    with transaction.atomic():
        keep = get_object_or_404(Patient.objects.select_for_update(), mrn=keep_mrn)
        duplicate = get_object_or_404(Patient.objects.select_for_update(), mrn=duplicate_mrn)
        moved = Admission.objects.filter(patient=duplicate).update(patient=keep)  # expect: SEC018
        duplicate.delete()
    logger.info("user %s merged patient %s into %s (%d admissions)",
                request.user.pk, duplicate.pk, keep.pk, moved)
    return JsonResponse({"kept": keep.mrn, "admissions_moved": moved})
