"""Pre-authorisation workflow for accepted treatment plans."""
import logging

from django.db import transaction
from django.utils import timezone

from . import insurance_client
from .models import PreAuthorisation, TreatmentPlan

logger = logging.getLogger(__name__)

FINAL_STATUSES = {
    PreAuthorisation.Status.APPROVED,
    PreAuthorisation.Status.PARTIAL,
    PreAuthorisation.Status.DECLINED,
}
DECISION_STATUS = {
    "approved": PreAuthorisation.Status.APPROVED,
    "partial": PreAuthorisation.Status.PARTIAL,
    "declined": PreAuthorisation.Status.DECLINED,
}


def open_preauthorisation(plan_id):
    """Create (or reuse) the pre-authorisation row before anything is sent to the insurer."""
    with transaction.atomic():
        plan = TreatmentPlan.objects.select_for_update().get(pk=plan_id)
        preauth, created = PreAuthorisation.objects.get_or_create(plan=plan)  # ok: DB005
        if created:
            plan.status = TreatmentPlan.Status.PREAUTH_PENDING
            plan.save(update_fields=["status"])
    return preauth


def submit_to_insurer(preauth_id):
    """Send a pending pre-authorisation; safe to call again because the reference is the idempotency key."""
    preauth = PreAuthorisation.objects.select_related("plan__patient").get(pk=preauth_id)
    if preauth.status != PreAuthorisation.Status.PENDING:
        return preauth
    patient = preauth.plan.patient
    items = [
        {"code": item.procedure_code, "tooth": item.tooth, "fee": str(item.fee)}
        for item in preauth.plan.items.order_by("id")
    ]
    try:
        result = insurance_client.submit_preauthorisation(  # ok: REL003
            plan_reference=str(preauth.reference),
            insurer_code=patient.insurer_code,
            policy_number=patient.policy_number,
            items=items,
        )
    except insurance_client.InsuranceApiError as exc:
        if exc.status_code >= 500:
            raise
        logger.warning("pre-authorisation %s rejected by clearing house: %s", preauth.id, exc)
        PreAuthorisation.objects.filter(pk=preauth.pk).update(
            status=PreAuthorisation.Status.ERROR, response={"error": str(exc)}
        )
        return preauth
    PreAuthorisation.objects.filter(pk=preauth.pk, status=PreAuthorisation.Status.PENDING).update(
        status=PreAuthorisation.Status.SUBMITTED,
        insurer_reference=result["reference"],
        submitted_at=timezone.now(),
    )
    preauth.refresh_from_db()
    logger.info("pre-authorisation %s submitted as %s", preauth.id, preauth.insurer_reference)
    return preauth


def record_decision(preauth_id, decision):
    """Store the insurer's decision once; later polls of a decided request change nothing."""
    status = DECISION_STATUS.get(decision.get("status"))
    if status is None:
        return None
    with transaction.atomic():
        preauth = PreAuthorisation.objects.select_for_update().select_related("plan").get(pk=preauth_id)
        if preauth.status in FINAL_STATUSES:
            return preauth
        preauth.status = status
        preauth.approved_amount = decision.get("approved_amount")
        preauth.decided_at = timezone.now()
        preauth.response = decision
        preauth.save(update_fields=["status", "approved_amount", "decided_at", "response"])
        plan = preauth.plan
        if status == PreAuthorisation.Status.DECLINED:
            plan.status = TreatmentPlan.Status.PREAUTH_DECLINED
        else:
            plan.status = TreatmentPlan.Status.PREAUTH_APPROVED
        plan.save(update_fields=["status"])
    logger.info("pre-authorisation %s decided: %s", preauth.id, status)
    return preauth
