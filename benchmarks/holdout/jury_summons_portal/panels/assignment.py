"""Clerk actions for seating reported jurors on a trial panel."""
import logging

from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from summons.models import Panel, PanelSeat, Summons

logger = logging.getLogger(__name__)


def _seat_payload(seat):
    juror = seat.summons.juror
    return {
        "seat": seat.seat_number,
        "badge": seat.summons.badge_number,
        "name": f"{juror.last_name}, {juror.first_name}",
    }


@staff_member_required
@require_POST
def seat_juror(request, panel_id):
    panel = get_object_or_404(Panel, pk=panel_id)
    summons = get_object_or_404(Summons, pk=request.POST.get("summons_id"), court=panel.court)

    if summons.status != Summons.Status.REPORTED:
        return JsonResponse({"error": "juror has not reported for service"}, status=409)
    if panel.seats_filled >= panel.capacity:
        return JsonResponse({"error": "panel is full"}, status=409)

    seated_elsewhere = PanelSeat.objects.filter(
        summons=summons, panel__service_date=panel.service_date
    ).exists()
    if seated_elsewhere:
        return JsonResponse({"error": "juror already seated on another panel today"}, status=409)

    seat = PanelSeat.objects.create(panel=panel, summons=summons, seat_number=panel.seats_filled + 1)  # expect: DB005
    panel.seats_filled += 1
    panel.save(update_fields=["seats_filled"])  # expect: DB004
    summons.status = Summons.Status.SEATED
    summons.save(update_fields=["status"])

    logger.info(
        "seated juror badge=%s panel=%s seat=%s clerk=%s",
        summons.badge_number, panel.pk, seat.seat_number, request.user.pk,
    )
    return JsonResponse({"seat": seat.seat_number, "panel": panel.pk}, status=201)


@staff_member_required
@require_POST
def release_juror(request, panel_id, seat_number):
    seat = get_object_or_404(
        PanelSeat.objects.select_related("summons"), panel_id=panel_id, seat_number=seat_number
    )
    summons = seat.summons
    seat.delete()
    Panel.objects.filter(pk=panel_id, seats_filled__gt=0).update(seats_filled=F("seats_filled") - 1)  # ok: DB004
    Summons.objects.filter(pk=summons.pk).update(status=Summons.Status.REPORTED)
    logger.info("released juror badge=%s panel=%s clerk=%s", summons.badge_number, panel_id, request.user.pk)
    return JsonResponse({"released": summons.badge_number})


@staff_member_required
@require_GET
def panel_roster(request, panel_id):
    panel = get_object_or_404(Panel, pk=panel_id)
    seats = (
        PanelSeat.objects.filter(panel=panel)
        .select_related("summons__juror")
        .order_by("seat_number")
    )
    return JsonResponse({
        "panel": panel.pk,
        "case": panel.case_number,
        "capacity": panel.capacity,
        "seats": [_seat_payload(s) for s in seats],  # ok: DB001
    })
