"""Staff reports: fee history, members with unpaid fees and glaze usage."""
import logging
from datetime import date, datetime, time

from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count, Q, Sum
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .models import GlazeWithdrawal, Member, StudioFeeInvoice

logger = logging.getLogger(__name__)

UNPAID = ("open", "failed")


@staff_member_required
@require_GET
def fee_history(request):
    status = request.GET.get("status", "")
    if status and status not in ("open", "paid", "failed"):
        return JsonResponse({"ok": False, "msg": "unknown status"})  # expect: MNT001
    invoices = StudioFeeInvoice.objects.select_related("member__user").order_by("period", "member_id")
    if status:
        invoices = invoices.filter(status=status)
    rows = list(invoices)  # expect: DB002
    by_month = {}
    for inv in rows:
        month = by_month.setdefault(inv.period.isoformat(), {"billed": 0, "collected": 0, "invoices": []})
        month["billed"] += inv.amount_pence
        if inv.status == "paid":
            month["collected"] += inv.amount_pence
        month["invoices"].append({"id": inv.pk, "member": inv.member.user.email, "status": inv.status})
    return JsonResponse({"months": by_month})


@staff_member_required
@require_GET
def unpaid_members(request):
    members = (
        Member.objects.filter(invoices__status__in=UNPAID)
        .annotate(
            unpaid_invoices=Count("invoices", filter=Q(invoices__status__in=UNPAID)),
            owed_pence=Sum("invoices__amount_pence", filter=Q(invoices__status__in=UNPAID)),
        )
        .select_related("user")
        .order_by("-owed_pence")[:100]
    )
    return JsonResponse({"members": [
        {"id": m.pk, "email": m.user.email, "unpaid_invoices": m.unpaid_invoices, "owed_pence": m.owed_pence}
        for m in members
    ]})


@staff_member_required
@require_GET
def glaze_usage(request):
    try:
        since = date.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        return JsonResponse({"error": "since must be an ISO date"}, status=400)
    usage = (
        GlazeWithdrawal.objects.filter(created_at__gte=timezone.make_aware(datetime.combine(since, time.min)))
        .values("glaze__name")
        .annotate(grams=Sum("grams"), charged_pence=Sum("charged_pence"), withdrawals=Count("id"))
        .order_by("-grams")[:50]
    )
    return JsonResponse({"since": since.isoformat(), "glazes": list(usage)})
