"""Practice-manager reports: patient export, patient search and monthly revenue."""
import csv
import logging

from django.contrib.admin.views.decorators import staff_member_required
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .models import Appointment, Patient

logger = logging.getLogger(__name__)

EXPORT_COLUMNS = ["id", "last_name", "first_name", "date_of_birth", "mobile_phone", "insurer", "last_visit"]


def _last_visit(patient):
    last = (
        patient.appointments.filter(status=Appointment.Status.COMPLETED)
        .order_by("-starts_at")
        .first()
    )
    return last.starts_at.date().isoformat() if last else ""


@staff_member_required
@require_GET
def patient_export(request):
    """CSV of every patient with the date of their last completed visit."""
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="patients.csv"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    patients = list(Patient.objects.order_by("last_name", "first_name"))  # expect: DB002
    for patient in patients:
        writer.writerow(
            [
                patient.id,
                patient.last_name,
                patient.first_name,
                patient.date_of_birth.isoformat(),
                patient.mobile_phone,
                patient.insurer_code,
                _last_visit(patient),  # expect: DB001
            ]
        )
    return response


@staff_member_required
@require_GET
def search_patients(request):
    term = request.GET.get("q", "").strip()
    if len(term) < 2:
        return JsonResponse({"error": "search term must be at least 2 characters"}, status=400)
    matches = Patient.objects.filter(
        Q(last_name__icontains=term) | Q(mobile_phone__icontains=term) | Q(email__icontains=term)  # expect: DB006
    ).order_by("last_name")[:50]
    return JsonResponse(
        {
            "results": [
                {"id": p.id, "name": f"{p.first_name} {p.last_name}", "dob": p.date_of_birth.isoformat()}
                for p in matches
            ]
        }
    )


@staff_member_required
@require_GET
def monthly_revenue(request):
    """Accepted treatment value per dentist for one month (YYYY-MM)."""
    month = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    cursor = connection.cursor()  # expect: RES001
    try:
        cursor.execute(f"SELECT d.full_name, COUNT(tp.id), COALESCE(SUM(tp.total_fee), 0) FROM dental_practice_treatmentplan tp JOIN dental_practice_dentist d ON d.id = tp.dentist_id WHERE to_char(tp.accepted_at, 'YYYY-MM') = '{month}' GROUP BY d.full_name ORDER BY 3 DESC")  # expect: SEC001
        rows = cursor.fetchall()
    except DatabaseError as exc:
        logger.error("revenue report for %s failed: %s", month, exc)  # expect: OBS002
        return JsonResponse({"error": "report unavailable"}, status=500)
    return JsonResponse(
        {
            "month": month,
            "dentists": [{"dentist": name, "plans": count, "total": str(total)} for name, count, total in rows],
        }
    )
