"""Office exports and member search for the club manager."""

import csv
import logging
from datetime import date

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from memberships.models import Member
from sheets.models import SheetBooking

logger = logging.getLogger(__name__)


@staff_member_required
@require_GET
def member_search(request):
    """Type-ahead search on the front desk screen."""
    q = request.GET.get("q", "").strip()
    if len(q) < 2:
        return JsonResponse({"results": []})
    members = Member.objects.raw(f"SELECT m.*, u.first_name, u.last_name FROM memberships_member m JOIN auth_user u ON u.id = m.user_id WHERE u.last_name ILIKE '%%{q}%%' OR u.first_name ILIKE '%%{q}%%' ORDER BY u.last_name LIMIT 25")  # expect: SEC001, DB006
    results = [
        {"id": m.pk, "name": f"{m.first_name} {m.last_name}", "number": m.member_number}
        for m in members
    ]
    return JsonResponse({"results": results})


@staff_member_required
@require_GET
def bookings_csv(request):
    """All sheet bookings ever made, for the treasurer's spreadsheet."""
    bookings = list(SheetBooking.objects.select_related("sheet", "member__user").order_by("starts_at"))  # expect: DB002
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="sheet-bookings-{date.today()}.csv"'
    writer = csv.writer(response)
    writer.writerow(["booking", "sheet", "starts_at", "member_number", "member", "status", "payment_intent"])
    for booking in bookings:
        writer.writerow(
            [
                booking.pk,
                booking.sheet.name,
                booking.starts_at.isoformat(),
                booking.member.member_number,
                booking.member.user.get_full_name(),
                booking.status,
                booking.payment_intent_id,
            ]
        )
    logger.info("sheet bookings export: %d rows for user %s", len(bookings), request.user.pk)
    return response


@staff_member_required
@require_GET
def lapsed_members_csv(request):
    """Members whose membership lapsed this season, for the renewal phone tree."""
    season_start = date(date.today().year if date.today().month >= 9 else date.today().year - 1, 9, 1)
    lapsed = (
        Member.objects.filter(membership__status__in=["past_due", "cancelled"], membership__paid_through__gte=season_start)
        .select_related("user", "membership__plan")
        .order_by("user__last_name")[:500]
    )
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="lapsed-members.csv"'
    writer = csv.writer(response)
    writer.writerow(["member_number", "name", "email", "phone", "plan", "paid_through"])
    for m in lapsed:
        writer.writerow([m.member_number, m.user.get_full_name(), m.user.email, m.phone, m.membership.plan.name, m.membership.paid_through])
    return response
