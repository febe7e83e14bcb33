import logging
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_GET

from wards.models import Bed, Ward

logger = logging.getLogger(__name__)

STATUS_COLOURS = {
    Bed.FREE: "#2e7d32",
    Bed.OCCUPIED: "#c62828",
    Bed.CLEANING: "#f9a825",
    Bed.BLOCKED: "#616161",
}


def _age(dob):
    today = date.today()
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def _bed_row(bed):
    colour = STATUS_COLOURS.get(bed.status, "#000")
    admission = bed.current_admission
    if admission is None:
        occupant = "&mdash;"
    else:
        patient = admission.patient
        occupant = f"{patient.family_name.upper()}, {patient.given_name} ({_age(patient.date_of_birth)})"  # expect: SEC016
    return (
        f'<tr><td>{escape(bed.label)}</td>'
        f'<td style="color:{colour}">{bed.get_status_display()}</td>'
        f"<td>{occupant}</td></tr>"
    )


@login_required
@require_GET
def ward_board(request, ward_code):
    ward = get_object_or_404(Ward, code=ward_code)
    beds = ward.beds.order_by("label")
    rows = []
    for bed in beds:
        rows.append(_bed_row(bed))  # expect: DB001
    html = (
        "<!doctype html><html><head><meta http-equiv='refresh' content='60'>"
        f"<title>{escape(ward.name)} bed board</title></head><body>"
        f"<h1>{escape(ward.name)} ({escape(ward.code)})</h1>"
        f"<p>Updated {timezone.localtime():%H:%M}</p>"
        "<table><tr><th>Bed</th><th>Status</th><th>Patient</th></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
    return HttpResponse(html)


@login_required
@require_GET
def hospital_summary(request):
    summary = []
    for ward in Ward.objects.order_by("code"):
        free = ward.beds.filter(status=Bed.FREE).count()  # expect: DB001
        cleaning = ward.beds.filter(status=Bed.CLEANING).count()
        summary.append({
            "ward": ward.code,
            "name": ward.name,
            "specialty": ward.specialty,
            "total": ward.total_beds,
            "occupied": ward.occupied_beds,
            "free": free,
            "cleaning": cleaning,
        })
    logger.info("hospital summary served to user %s (%d wards)", request.user.pk, len(summary))
    return JsonResponse({"generated_at": timezone.now().isoformat(), "wards": summary})
