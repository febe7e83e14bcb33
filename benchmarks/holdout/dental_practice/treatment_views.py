"""Treatment plan endpoints: patients review and accept plans, dentists add items."""
import json
import logging
from decimal import Decimal, InvalidOperation

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .models import Patient, TreatmentItem, TreatmentPlan
from .tasks import request_preauthorisation

logger = logging.getLogger(__name__)

PLANS_PER_PAGE = 20
EDITABLE_STATUSES = (TreatmentPlan.Status.DRAFT, TreatmentPlan.Status.PROPOSED)


def _plan_json(plan):
    return {
        "id": plan.id,
        "dentist": plan.dentist.full_name,
        "status": plan.status,
        "total_fee": str(plan.total_fee),
        "items": [
            {"procedure_code": i.procedure_code, "tooth": i.tooth, "description": i.description, "fee": str(i.fee)}
            for i in plan.items.all()
        ],
    }


@login_required
@require_GET
def my_treatment_plans(request):
    patient = get_object_or_404(Patient, user=request.user)
    plans = (
        TreatmentPlan.objects.filter(patient=patient)
        .select_related("dentist")
        .prefetch_related("items")  # ok: DB001
        .order_by("-created_at")
    )
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))  # ok: DB002
    return JsonResponse(
        {
            "page": page.number,
            "pages": page.paginator.num_pages,
            "plans": [_plan_json(plan) for plan in page.object_list],
        }
    )


@login_required
@require_POST
def accept_treatment_plan(request, plan_id):
    with transaction.atomic():
        plan = get_object_or_404(
            TreatmentPlan.objects.select_for_update(of=("self",)), pk=plan_id, patient__user=request.user
        )
        if plan.status != TreatmentPlan.Status.PROPOSED:
            return JsonResponse({"error": f"plan is {plan.status}, not awaiting acceptance"}, status=409)
        plan.status = TreatmentPlan.Status.ACCEPTED
        plan.accepted_at = timezone.now()
        plan.save(update_fields=["status", "accepted_at"])
        transaction.on_commit(lambda: request_preauthorisation.delay(plan.id))  # ok: REL004
    logger.info("treatment plan %s accepted by user %s", plan.id, request.user.id)
    return JsonResponse({"id": plan.id, "status": plan.status})


@staff_member_required
@require_POST
def add_treatment_item(request, plan_id):
    try:
        payload = json.loads(request.body)
        fee = Decimal(str(payload["fee"]))
        procedure_code = str(payload["procedure_code"])[:10]
    except (ValueError, KeyError, TypeError, InvalidOperation):
        return JsonResponse({"error": "procedure_code and fee are required"}, status=400)
    if fee < 0:
        return JsonResponse({"error": "fee must not be negative"}, status=400)

    with transaction.atomic():
        plan = get_object_or_404(TreatmentPlan.objects.select_for_update(), pk=plan_id)
        if plan.status not in EDITABLE_STATUSES:
            return JsonResponse({"error": "plan can no longer be changed"}, status=409)
        item = TreatmentItem.objects.create(
            plan=plan,
            procedure_code=procedure_code,
            tooth=str(payload.get("tooth", ""))[:3],
            description=str(payload.get("description", ""))[:200],
            fee=fee,
        )
        TreatmentPlan.objects.filter(pk=plan.pk).update(total_fee=F("total_fee") + fee)  # ok: DB004
    logger.info("item %s (%s) added to plan %s by user %s", item.id, procedure_code, plan.id, request.user.id)
    return JsonResponse({"id": item.id, "plan_id": plan.id}, status=201)
