"""Residents pick an inspector slot for their building permit."""
import logging
import smtplib
import threading
from datetime import datetime, time, timedelta
from email.message import EmailMessage

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View

from permits.models import Inspection, InspectorSlot, PermitApplication

logger = logging.getLogger(__name__)


def _send_confirmation(inspection_id: int) -> None:
    inspection = Inspection.objects.select_related("application__applicant", "slot__inspector").get(
        pk=inspection_id
    )
    applicant = inspection.application.applicant
    msg = EmailMessage()
    msg["From"] = settings.DEFAULT_FROM_EMAIL
    msg["To"] = applicant.email
    msg["Subject"] = f"Inspection booked for {inspection.application.reference}"
    msg.set_content(
        f"Hello {applicant.first_name},\n\n"
        f"Your inspection is booked for {timezone.localtime(inspection.slot.starts_at):%A %d %B at %H:%M}.\n"
        f"Inspector: {inspection.slot.inspector.get_full_name()}\n"
    )
    try:
        server = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT)  # expect: REL001, RES001
        server.starttls()  # todo-expect: SEC011
        server.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        server.send_message(msg)
        server.quit()
    except smtplib.SMTPException as exc:
        print(f"confirmation email for inspection {inspection_id} failed: {exc}")  # expect: OBS001


class BookInspectionView(LoginRequiredMixin, View):
    def post(self, request, application_id: int):
        application = get_object_or_404(
            PermitApplication, pk=application_id, applicant=request.user,
            kind=PermitApplication.Kind.BUILDING,
        )
        slot = get_object_or_404(InspectorSlot, pk=request.POST.get("slot_id"),
                                 starts_at__gt=timezone.now())
        if slot.booked_count >= slot.capacity:
            return JsonResponse({"detail": "that slot is full, please pick another"}, status=409)

        slot.booked_count += 1
        slot.save(update_fields=["booked_count"])  # expect: DB004
        inspection = Inspection.objects.create(application=application, slot=slot)

        threading.Thread(target=_send_confirmation, args=(inspection.pk,), daemon=True).start()  # expect: CON003, REL005
        logger.info("inspection %s booked for application %s", inspection.pk, application.pk)
        return JsonResponse({"inspection_id": inspection.pk, "starts_at": slot.starts_at.isoformat()},
                            status=201)


class InspectorDayView(LoginRequiredMixin, View):
    def get(self, request):
        day = timezone.localdate()
        start = timezone.make_aware(datetime.combine(day, time.min))
        inspections = (
            Inspection.objects.filter(slot__inspector=request.user, slot__starts_at__gte=start,
                                      slot__starts_at__lt=start + timedelta(days=1))
            .select_related("application", "slot")
            .order_by("slot__starts_at")
        )
        return JsonResponse({"date": day.isoformat(), "inspections": [
            {"id": i.pk, "reference": i.application.reference, "address": i.application.site_address,
             "starts_at": i.slot.starts_at.isoformat()}
            for i in inspections
        ]})
