import logging
import smtplib
import threading
from email.message import EmailMessage

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from wards.models import Admission, Bed, Ward, WardAccess

logger = logging.getLogger(__name__)


def _send_mail(to_addr, subject, body):
    msg = EmailMessage()
    msg["From"] = settings.BED_MANAGER_FROM
    msg["To"] = to_addr
    msg["Subject"] = subject
    msg.set_content(body)
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT) as smtp:  # expect: REL001
        smtp.starttls()
        smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        smtp.send_message(msg)


def _discharge_letter(admission):
    patient = admission.patient
    return (
        f"Dear {patient.next_of_kin_name or 'family member'},\n\n"
        f"{patient.given_name} {patient.family_name} was discharged from {admission.ward.name} "
        f"at {timezone.localtime(admission.discharged_at):%H:%M on %d %B}.\n"
        "Please bring outdoor clothing and any medication from home when collecting them.\n\n"
        "St Mary's Bed Management"
    )


def _notify_family(admission_id):
    admission = Admission.objects.select_related("patient", "ward").get(pk=admission_id)
    if not admission.patient.next_of_kin_email:
        return
    try:
        _send_mail(admission.patient.next_of_kin_email, "Discharge notice", _discharge_letter(admission))
    except (smtplib.SMTPException, OSError) as exc:
        logger.error(f"discharge notice for admission {admission_id} failed: {exc}")  # expect: OBS002


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def discharge(request, admission_id):
    with transaction.atomic():
        admission = get_object_or_404(
            Admission.objects.select_for_update().select_related("patient", "ward"),
            pk=admission_id, discharged_at__isnull=True,
        )
        if not WardAccess.can_manage_ward(request.user, admission.ward_id):
            return JsonResponse({"error": "forbidden"}, status=403)
        admission.discharged_at = timezone.now()
        admission.save(update_fields=["discharged_at"])
        Bed.objects.filter(pk=admission.bed_id).update(
            status=Bed.CLEANING, current_admission=None, cleaning_done_at=None
        )
        Ward.objects.filter(pk=admission.ward_id).update(occupied_beds=F("occupied_beds") - 1)  # ok: DB004

    threading.Thread(target=_notify_family, args=(admission.pk,), daemon=True).start()  # expect: CON003, REL005
    logger.info("admission %s discharged by user %s", admission.pk, request.user.pk)
    return JsonResponse({"admission_id": admission.pk, "discharged_at": admission.discharged_at.isoformat()})


@login_required
@require_POST
def resend_discharge_letter(request, admission_id):
    admission = get_object_or_404(
        Admission.objects.select_related("patient", "ward"), pk=admission_id, discharged_at__isnull=False
    )
    if not WardAccess.can_manage_ward(request.user, admission.ward_id):
        return JsonResponse({"error": "forbidden"}, status=403)
    if not admission.patient.next_of_kin_email:
        return JsonResponse({"error": "no_next_of_kin_email"}, status=422)
    try:
        _send_mail(admission.patient.next_of_kin_email, "Discharge notice", _discharge_letter(admission))
    except smtplib.SMTPException:
        logger.exception("resend of discharge letter for admission %s failed", admission.pk)
        return JsonResponse({"sent": True})  # expect: ERR002
    return JsonResponse({"sent": True})
