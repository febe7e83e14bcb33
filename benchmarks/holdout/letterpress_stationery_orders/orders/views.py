"""Customer-facing order pages: list, create, detail, artwork upload and proof approval."""

import logging
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from orders.forms import ArtworkUploadForm, OrderForm
from orders.models import Order, Proof
from orders.tasks import send_order_received
from proofs.imaging import store_customer_artwork

logger = logging.getLogger(__name__)

PRICE_PER_SHEET_PENCE = {"A5": 95, "A6": 60, "DL": 70, "SQ148": 85}
SETUP_PER_COLOUR_PENCE = 4500


def quote_pence(paper_size: str, sheets: int, colours: int) -> int:
    return PRICE_PER_SHEET_PENCE[paper_size] * sheets + SETUP_PER_COLOUR_PENCE * colours


def _new_reference() -> str:
    return "LP-" + secrets.token_hex(4).upper()


@login_required
def order_list(request):
    orders = Order.objects.filter(customer=request.user).order_by("-created_at")
    page = Paginator(orders, 20).get_page(request.GET.get("page"))
    return render(request, "orders/list.html", {"page": page})


@login_required
def order_create(request):
    form = OrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        order = form.save(commit=False)
        order.customer = request.user
        order.reference = _new_reference()
        order.total_pence = quote_pence(order.paper_size, order.sheets, order.ink_colours)
        order.balance_pence = order.total_pence
        order.status = Order.Status.AWAITING_PROOF
        order.save()
        transaction.on_commit(lambda: send_order_received(order.pk))
        logger.info("order created", extra={"order_ref": order.reference, "user_id": request.user.pk})
        return redirect("order_detail", reference=order.reference)
    return render(request, "orders/create.html", {"form": form})


@login_required
def order_detail(request, reference):
    order = get_object_or_404(
        Order.objects.select_related("press_slot"), reference=reference, customer=request.user  # ok: SEC018
    )
    proofs = order.proofs.all()[:10]
    upload_form = ArtworkUploadForm()
    return render(request, "orders/detail.html", {"order": order, "proofs": proofs, "upload_form": upload_form})


@login_required
@require_POST
def upload_artwork(request, reference):
    order = get_object_or_404(Order, reference=reference, customer=request.user)
    form = ArtworkUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "That file could not be used: " + "; ".join(form.errors.get("artwork", [])))
        return redirect("order_detail", reference=reference)
    store_customer_artwork(order, form.cleaned_data["artwork"], form.cleaned_data["note"])
    messages.success(request, "Thanks, our designer will use this for your first proof.")
    return redirect("order_detail", reference=reference)


@login_required
@require_POST
def approve_proof(request, reference, version):
    order = get_object_or_404(Order, reference=reference, customer=request.user)
    proof = get_object_or_404(Proof, order=order, version=version)
    with transaction.atomic():
        moved = Order.objects.filter(pk=order.pk, status=Order.Status.PROOF_SENT).update(  # ok: DB005
            status=Order.Status.APPROVED
        )
        if moved:
            Proof.objects.filter(pk=proof.pk).update(approved_at=timezone.now())
    if moved:
        messages.success(request, f"Proof version {proof.version} approved. You can now pay for printing.")
    else:
        messages.info(request, "This order is not waiting for a proof approval.")
    return redirect("order_detail", reference=reference)
