"""Technician app API (bearer-token auth): daily route and visit completion."""
import logging
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_date
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import BearerTokenAuthentication, IsTechnician
from billing.payment_gateway import charge_invoice
from scheduling.models import Booking, Invoice, Technician

logger = logging.getLogger(__name__)

VISIT_PRICE_CENTS = {"upright": 14500, "grand": 19500, "digital": 9000}


def _stop(booking):
    customer = booking.customer
    return {
        "booking_id": booking.pk,
        "starts_at": booking.slot.starts_at.isoformat(),
        "customer": customer.user.get_full_name(),
        "phone": customer.phone,
        "address": f"{customer.address_line}, {customer.city} {customer.postcode}",
        "piano": f"{booking.piano.make} {booking.piano.model_name}".strip(),
        "kind": booking.piano.kind,
    }


class TechnicianRouteView(APIView):
    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [IsTechnician]

    def get(self, request):
        technician = request.user.technician
        day = parse_date(request.query_params.get("date", "")) or timezone.localdate()
        bookings = (
            Booking.objects.filter(
                slot__technician=technician,
                slot__starts_at__date=day,
                status=Booking.Status.CONFIRMED,
            )
            .select_related("slot", "piano", "customer__user")
            .order_by("slot__starts_at")
        )
        stops = [_stop(booking) for booking in bookings]  # ok: DB001
        return Response({"date": day.isoformat(), "stops": stops})


class CompleteVisitView(APIView):
    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [IsTechnician]

    def post(self, request, booking_id):
        technician = request.user.technician
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update()
                .select_related("piano")
                .filter(pk=booking_id, slot__technician=technician)
                .first()
            )
            if booking is None:
                return Response({"detail": "not found"}, status=status.HTTP_404_NOT_FOUND)
            if booking.status != Booking.Status.CONFIRMED:
                return Response({"detail": "booking is not open"}, status=status.HTTP_409_CONFLICT)

            booking.status = Booking.Status.COMPLETED
            booking.completed_at = timezone.now()
            booking.save(update_fields=["status", "completed_at", "updated_at"])
            Technician.objects.filter(pk=technician.pk).update(completed_jobs=F("completed_jobs") + 1)  # ok: DB004

            invoice = Invoice.objects.create(
                booking=booking,
                amount_cents=VISIT_PRICE_CENTS.get(booking.piano.kind, 14500),
            )
            transaction.on_commit(partial(charge_invoice.delay, invoice.pk))  # ok: REL004

        logger.info("technician %s completed booking %s, invoice %s", technician.pk, booking.pk, invoice.pk)
        return Response({"booking_id": booking.pk, "invoice_id": invoice.pk}, status=status.HTTP_200_OK)
