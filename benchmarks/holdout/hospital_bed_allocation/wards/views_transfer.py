import logging

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from paging.escalation import notify_transfer
from wards.models import Admission, Bed, Transfer, Ward, WardAccess

logger = logging.getLogger(__name__)


class TransferForm(forms.Form):
    to_bed = forms.IntegerField(min_value=1)
    reason = forms.CharField(max_length=200, required=False)


@login_required
@require_POST
def transfer_patient(request, admission_id):
    form = TransferForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "invalid", "fields": form.errors}, status=400)
    target_id = form.cleaned_data["to_bed"]

    with transaction.atomic():
        admission = get_object_or_404(
            Admission.objects.select_for_update(),
            pk=admission_id, discharged_at__isnull=True,
        )
        if admission.bed_id == target_id:
            return JsonResponse({"error": "already_in_bed"}, status=409)
        beds = {
            b.pk: b
            for b in Bed.objects.select_for_update().filter(pk__in=[admission.bed_id, target_id]).order_by("pk")
        }
        target = beds.get(target_id)
        source = beds.get(admission.bed_id)
        if target is None:
            return JsonResponse({"error": "unknown_bed"}, status=404)
        if not (WardAccess.can_manage_ward(request.user, admission.ward_id)  # ok: SEC018
                and WardAccess.can_manage_ward(request.user, target.ward_id)):
            return JsonResponse({"error": "forbidden"}, status=403)
        if target.status != Bed.FREE:  # ok: DB005
            return JsonResponse({"error": "bed_not_free", "status": target.status}, status=409)

        if source is not None:
            source.status = Bed.CLEANING
            source.current_admission = None
            source.save(update_fields=["status", "current_admission"])
        target.status = Bed.OCCUPIED
        target.current_admission = admission
        target.save(update_fields=["status", "current_admission"])

        if source is not None and source.ward_id != target.ward_id:
            Ward.objects.filter(pk=source.ward_id).update(occupied_beds=F("occupied_beds") - 1)  # ok: DB004
            Ward.objects.filter(pk=target.ward_id).update(occupied_beds=F("occupied_beds") + 1)
        admission.bed = target
        admission.ward_id = target.ward_id
        admission.save(update_fields=["bed", "ward"])

        transfer = Transfer.objects.create(
            admission=admission,
            from_bed=source or target,
            to_bed=target,
            requested_by=request.user,
            reason=form.cleaned_data["reason"],
        )
        transaction.on_commit(lambda: notify_transfer.delay(transfer.pk))  # ok: REL004

    logger.info("admission %s transferred to bed %s (transfer %s)", admission.pk, target.pk, transfer.pk)
    return JsonResponse(
        {"transfer_id": transfer.pk, "admission_id": admission.pk, "bed_id": target.pk,
         "ward_id": target.ward_id},
        status=201,
    )
