"""Studio side of proofing: upload a proof, the proof queue, and approval links from e-mails."""

import logging
from pathlib import Path

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from orders.models import Order, Proof
from orders.tasks import make_preview_from_upload
from proofs.imaging import render_proof_preview

logger = logging.getLogger(__name__)

UPLOAD_TMP = Path("/tmp/letterpress-uploads")
MAX_PROOF_BYTES = 25 * 1024 * 1024
PROOF_EXTENSIONS = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@staff_member_required
def proof_queue(request):
    waiting = Order.objects.filter(status=Order.Status.AWAITING_PROOF).order_by("wedding_date")
    page = Paginator(waiting, 30).get_page(request.GET.get("page"))
    return render(request, "proofs/queue.html", {"page": page})


@staff_member_required
@require_POST
def upload_proof(request, reference):
    order = get_object_or_404(Order, reference=reference)
    upload = request.FILES.get("proof")
    if upload is None or upload.size > MAX_PROOF_BYTES:
        return _error("bad_upload", "Attach a proof of at most 25 MB.", 400)
    ext = Path(upload.name).suffix.lower()
    if ext not in PROOF_EXTENSIONS:
        return _error("bad_upload", "Proofs must be PNG, JPEG or TIFF.", 400)

    try:
        with transaction.atomic():
            version = (order.proofs.aggregate(v=Max("version"))["v"] or 0) + 1
            proof = Proof.objects.create(order=order, version=version)
    except IntegrityError:
        return _error("conflict", "Another proof is being uploaded for this order.", 409)

    UPLOAD_TMP.mkdir(parents=True, exist_ok=True)
    local_path = UPLOAD_TMP / f"{order.reference}-v{version}{ext}"  # ok: SEC015
    with open(local_path, "wb") as fh:  # expect: SCL002
        for chunk in upload.chunks():
            fh.write(chunk)
    make_preview_from_upload(str(local_path), proof.pk)
    logger.info("proof uploaded", extra={"order_ref": order.reference, "proof_id": proof.pk})
    return JsonResponse({"proof_id": proof.pk, "version": version}, status=201)


@staff_member_required
@require_POST
def regenerate_preview(request, proof_id):
    proof = get_object_or_404(Proof, pk=proof_id)
    if not proof.image:
        return _error("no_original", "This proof has no original yet.", 409)
    render_proof_preview(proof.pk)  # ok: SCL002
    return JsonResponse({"proof_id": proof.pk, "status": "queued"}, status=202)


@login_required
@require_POST
def approve_from_email(request, proof_id):
    """Target of the "Approve this proof" button in the proof e-mail."""
    proof = get_object_or_404(Proof.objects.select_related("order"), pk=proof_id)  # expect: SEC018
    note = request.POST.get("note", "")[:2000]
    with transaction.atomic():
        moved = Order.objects.filter(pk=proof.order_id, status=Order.Status.PROOF_SENT).update(
            status=Order.Status.APPROVED
        )
        if moved:
            proof.approved_at = timezone.now()
            proof.customer_note = note
            proof.save(update_fields=["approved_at", "customer_note"])
    if moved:
        messages.success(
            request, mark_safe(f"Proof v{proof.version} approved. Your note to the studio: <em>{note}</em>")  # expect: SEC016
        )
    else:
        messages.info(request, "This proof is no longer waiting for approval.")
    return redirect("order_detail", reference=proof.order.reference)
