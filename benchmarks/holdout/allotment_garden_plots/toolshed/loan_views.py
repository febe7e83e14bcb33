"""Tool shed loans for plot-holders, from the members' web pages."""
import logging
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from garden.models import Tool, ToolLoan

log = logging.getLogger(__name__)

LOAN_PERIOD = timedelta(days=3)


def _loan_json(loan):
    return {
        "id": loan.id,
        "tool": loan.tool.name,
        "borrowed_at": loan.borrowed_at.isoformat(),
        "due_back": loan.due_back.isoformat(),
        "returned_at": loan.returned_at.isoformat() if loan.returned_at else None,
    }


@login_required
@require_GET
def shed_inventory(request, site_code):
    tools = (Tool.objects.filter(shed__code=site_code)
             .order_by("name")
             .values("id", "name", "available_count", "total_count"))
    return JsonResponse({"site": site_code, "tools": list(tools)})


@login_required
@require_POST
def borrow_tool(request, tool_id):
    member = request.user.member
    tool = get_object_or_404(Tool, pk=tool_id)
    if tool.available_count < 1:
        return JsonResponse({"error": f"no {tool.name} left in the shed"}, status=409)
    tool.available_count -= 1
    tool.save(update_fields=["available_count"])  # expect: DB004
    loan = ToolLoan.objects.create(tool=tool, member=member, due_back=timezone.now() + LOAN_PERIOD)
    log.info("member %s borrowed %s (loan %s)", member.pk, tool.name, loan.pk)
    return JsonResponse(_loan_json(loan), status=201)


@login_required
@require_POST
def return_tool(request, loan_id):
    loan = get_object_or_404(ToolLoan.objects.select_related("tool"), pk=loan_id)  # expect: SEC018
    with transaction.atomic():
        closed = (ToolLoan.objects
                  .filter(pk=loan.pk, returned_at__isnull=True)
                  .update(returned_at=timezone.now()))
        if not closed:
            return JsonResponse({"error": "this loan is already closed"}, status=409)
        Tool.objects.filter(pk=loan.tool_id).update(available_count=F("available_count") + 1)
    loan.refresh_from_db(fields=["returned_at"])
    log.info("loan %s returned by user %s", loan.pk, request.user.pk)
    return JsonResponse(_loan_json(loan))


@login_required
@require_GET
def my_loans(request):
    loans = (ToolLoan.objects.select_related("tool")
             .filter(member=request.user.member, returned_at__isnull=True)
             .order_by("due_back"))
    return JsonResponse({"loans": [_loan_json(loan) for loan in loans]})
