"""Appointment booking endpoints for the patient portal and the front desk."""
import json
import logging

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import insurance_client
from .models import Appointment, Dentist, Patient

logger = logging.getLogger(__name__)

SLOT_MINUTES = 30


def _appointment_json(appt):
    return {
        "id": appt.id,
        "dentist_id": appt.dentist_id,
        "starts_at": appt.starts_at.isoformat(),
        "status": appt.status,
    }


@staff_member_required
@require_GET
def day_schedule(request):
    """Front-desk list of every appointment on one day."""
    day = parse_date(request.GET.get("date", "")) or timezone.localdate()
    appointments = Appointment.objects.filter(starts_at__date=day).order_by("starts_at")
    rows = []
    for appt in appointments:
        rows.append(
            {
                "id": appt.id,
                "starts_at": appt.starts_at.isoformat(),
                "patient": f"{appt.patient.first_name} {appt.patient.last_name}",  # expect: DB001
                "dentist": appt.dentist.full_name,
                "status": appt.status,
            }
        )
    return JsonResponse({"date": day.isoformat(), "appointments": rows})


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def book_appointment(request):
    try:
        payload = json.loads(request.body)
        dentist_id = int(payload["dentist_id"])
        starts_at = parse_datetime(payload["starts_at"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "dentist_id and starts_at are required"}, status=400)
    if starts_at is None or starts_at <= timezone.now():
        return JsonResponse({"error": "invalid start time"}, status=400)

    patient = get_object_or_404(Patient, user=request.user)
    dentist = get_object_or_404(Dentist, pk=dentist_id, is_active=True)

    if patient.insurer_code:
        coverage = insurance_client.check_eligibility(patient.insurer_code, patient.policy_number, patient.date_of_birth)  # todo-expect: ERR003
        if not coverage.get("eligible", False):
            return JsonResponse({"error": "insurance policy is not active"}, status=422)

    taken = Appointment.objects.filter(
        dentist=dentist, starts_at=starts_at, status=Appointment.Status.BOOKED
    ).exists()
    if taken:
        return JsonResponse({"error": "slot no longer available"}, status=409)
    appointment = Appointment.objects.create(  # expect: DB005
        patient=patient,
        dentist=dentist,
        starts_at=starts_at,
        duration_minutes=SLOT_MINUTES,
        reason=str(payload.get("reason", ""))[:200],
    )
    logger.info("appointment %s booked for patient %s with dentist %s", appointment.id, patient.id, dentist.id)
    return JsonResponse(_appointment_json(appointment), status=201)


@login_required
@require_POST
def cancel_appointment(request, appointment_id):
    appointment = get_object_or_404(Appointment, pk=appointment_id)  # expect: SEC018
    if appointment.status != Appointment.Status.BOOKED:
        return JsonResponse({"ok": False, "message": "Appointment cannot be cancelled"})  # todo-expect: MNT001
    appointment.status = Appointment.Status.CANCELLED
    appointment.save(update_fields=["status"])
    logger.info("appointment %s cancelled by user %s", appointment.id, request.user.id)
    return JsonResponse(_appointment_json(appointment))


@login_required
@require_POST
def reschedule_appointment(request, appointment_id):
    try:
        new_start = parse_datetime(json.loads(request.body)["starts_at"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "starts_at is required"}, status=400)
    if new_start is None or new_start <= timezone.now():
        return JsonResponse({"error": "invalid start time"}, status=400)

    with transaction.atomic():
        appointment = get_object_or_404(
            Appointment.objects.select_for_update(of=("self",)),
            pk=appointment_id,
            patient__user=request.user,
            status=Appointment.Status.BOOKED,
        )
        Dentist.objects.select_for_update().get(pk=appointment.dentist_id)
        clash = Appointment.objects.filter(
            dentist_id=appointment.dentist_id, starts_at=new_start, status=Appointment.Status.BOOKED
        ).exclude(pk=appointment.pk).exists()  # ok: DB005
        if clash:
            return JsonResponse({"error": "slot no longer available"}, status=409)
        appointment.starts_at = new_start
        appointment.save(update_fields=["starts_at"])
    logger.info("appointment %s moved to %s", appointment.id, new_start.isoformat())
    return JsonResponse(_appointment_json(appointment))
