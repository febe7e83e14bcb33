import logging

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from wards.models import Admission, Bed, Ward

logger = logging.getLogger(__name__)


@login_required
@require_GET
def ward_census(request, ward_code):
    ward = get_object_or_404(Ward, code=ward_code)
    beds = (
        Bed.objects.filter(ward=ward)
        .select_related("current_admission__patient")
        .order_by("label")
    )
    rows = []
    for bed in beds:  # ok: DB001
        admission = bed.current_admission
        rows.append({
            "bed": bed,
            "patient": admission.patient if admission else None,
            "since": admission.admitted_at if admission else None,
        })
    return render(request, "wards/census.html", {  # ok: SEC016
        "ward": ward,
        "rows": rows,
        "updated": timezone.localtime(),
    })


@login_required
@require_GET
def occupancy_summary(request):
    wards = (
        Ward.objects.annotate(
            free=Count("beds", filter=Q(beds__status=Bed.FREE)),
            cleaning=Count("beds", filter=Q(beds__status=Bed.CLEANING)),
            blocked=Count("beds", filter=Q(beds__status=Bed.BLOCKED)),
        )
        .order_by("code")
    )
    data = [
        {"ward": w.code, "name": w.name, "total": w.total_beds, "occupied": w.occupied_beds,
         "free": w.free, "cleaning": w.cleaning, "blocked": w.blocked}
        for w in wards  # ok: DB001
    ]
    return JsonResponse({"generated_at": timezone.now().isoformat(), "wards": data})


@login_required
@require_GET
def recent_admissions(request, ward_code):
    ward = get_object_or_404(Ward, code=ward_code)
    qs = (
        Admission.objects.filter(ward=ward)
        .select_related("patient", "bed")
        .order_by("-admitted_at")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))  # ok: DB002
    return JsonResponse({
        "ward": ward.code,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "admissions": [
            {
                "id": a.pk,
                "mrn": a.patient.mrn,
                "bed": a.bed.label if a.bed else None,
                "admitted_at": a.admitted_at.isoformat(),
                "discharged_at": a.discharged_at.isoformat() if a.discharged_at else None,
            }
            for a in page.object_list
        ],
    })
