import json
import logging
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from inventory.models import PurchaseOrder, Reagent

logger = logging.getLogger(__name__)


def _supplier_headers() -> dict:
    return {"X-Api-Key": settings.SUPPLIER_API_KEY, "Content-Type": "application/json"}


def place_supplier_order(po: PurchaseOrder) -> str:
    payload = {
        "account": po.supplier.api_code,
        "lines": [{"catalogue_number": po.reagent.catalogue_number, "quantity": str(po.quantity)}],
        "customer_reference": f"PO-{po.id}",
    }
    last_error = None
    for _ in range(3):
        try:
            resp = requests.post(  # expect: REL001, REL003
                f"{settings.SUPPLIER_API_URL}/orders",
                data=json.dumps(payload),
                headers=_supplier_headers(),
                verify=False,  # expect: SEC011
            )
            resp.raise_for_status()
            return resp.json()["order_id"]
        except requests.RequestException as exc:
            last_error = exc
    raise last_error


@login_required
@permission_required("inventory.add_purchaseorder", raise_exception=True)
@require_POST
def submit_purchase_order(request):
    try:
        body = json.loads(request.body)
        quantity = Decimal(str(body["quantity"]))
        reagent = get_object_or_404(Reagent.objects.select_related("supplier"), pk=body["reagent_id"])
    except (ValueError, KeyError, InvalidOperation):
        return JsonResponse({"error": "reagent_id and quantity required"}, status=400)

    po = PurchaseOrder.objects.create(
        supplier=reagent.supplier, reagent=reagent, quantity=quantity, requested_by=request.user
    )
    try:
        po.supplier_reference = place_supplier_order(po)
        po.status = "sent"
    except requests.RequestException:
        logger.exception("supplier order failed", extra={"po_id": po.id})
        po.status = "failed"
    po.save(update_fields=["supplier_reference", "status"])
    return JsonResponse({"id": po.id, "status": po.status}, status=201)


@login_required
@require_POST
def cancel_purchase_order(request, po_id: int):
    po = get_object_or_404(PurchaseOrder, pk=po_id, requested_by=request.user)  # ok: SEC018
    if po.status != "sent":
        return JsonResponse({"error": "only sent orders can be cancelled"}, status=409)
    resp = requests.delete(
        f"{settings.SUPPLIER_API_URL}/orders/{po.supplier_reference}",
        headers=_supplier_headers(),
        timeout=10,
    )
    try:
        detail = resp.json()
    except ValueError:
        logger.warning("supplier cancel response not JSON", extra={"po_id": po.id,
                                                                    "status": resp.status_code})
        detail = {}
    po.status = "draft"
    po.save(update_fields=["status"])
    logger.info("purchase order cancelled")  # todo-expect: OBS003
    return JsonResponse({"id": po.id, "status": po.status, "supplier": detail.get("status")})
