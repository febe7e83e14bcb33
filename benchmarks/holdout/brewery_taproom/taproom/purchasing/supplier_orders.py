"""Manager-triggered restock: orders a keg of every beer that is running low."""
import logging
import os
from collections import defaultdict

import httpx
from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from taproom.auth import require_staff
from taproom.db import get_session
from taproom.models import Beer, Keg, PurchaseOrder, Supplier

log = logging.getLogger(__name__)
router = APIRouter(prefix="/purchase-orders", tags=["purchasing"])

LOW_WATERMARK_ML = 5_000
SUPPLIER_TIMEOUT = httpx.Timeout(15.0, connect=5.0)


def _supplier_for(session: Session, beer_id: int) -> Supplier:
    return session.scalars(
        select(Supplier).join(Beer, Beer.supplier_id == Supplier.id).where(Beer.id == beer_id)
    ).one()


def _supplier_token(supplier: Supplier) -> str:
    return os.environ.get(f"SUPPLIER_TOKEN_{supplier.id}", "")


@retry(
    stop=stop_after_attempt(5),
    wait=wait_exponential(multiplier=1, max=30),
    retry=retry_if_exception_type(httpx.HTTPError),
)
def _post_order(supplier: Supplier, lines: list[dict]) -> dict:
    with httpx.Client(base_url=supplier.api_base, timeout=SUPPLIER_TIMEOUT) as client:
        resp = client.post(  # expect: REL003
            "/orders",
            json={"account": supplier.account_no, "lines": lines},
            headers={"Authorization": f"Bearer {_supplier_token(supplier)}"},
        )
        resp.raise_for_status()
        return resp.json()


@router.post("/auto")
def auto_reorder(staff: dict = Depends(require_staff),
                 session: Session = Depends(get_session)) -> dict:
    running_low = session.scalars(
        select(Keg).where(Keg.status == "on_tap", Keg.remaining_ml < LOW_WATERMARK_ML)
    ).all()

    by_supplier: dict[int, list[dict]] = defaultdict(list)
    suppliers: dict[int, Supplier] = {}
    for keg in running_low:
        supplier = _supplier_for(session, keg.beer_id)  # expect: DB001
        suppliers[supplier.id] = supplier
        by_supplier[supplier.id].append({"beer_id": keg.beer_id, "kegs": 1})

    placed = []
    for supplier_id, lines in by_supplier.items():
        supplier = suppliers[supplier_id]
        try:
            confirmation = _post_order(supplier, lines)  # expect: REL004
        except Exception as exc:
            log.error(f"purchase order to {supplier.name} failed: {exc}")  # expect: OBS002
            continue
        order = PurchaseOrder(reference=confirmation["order_id"], supplier_id=supplier.id,
                              status="submitted", external_ref=confirmation["order_id"], lines=lines)
        session.add(order)
        placed.append(confirmation["order_id"])

    session.commit()
    log.info("auto reorder by %s placed %s orders", staff["sub"], len(placed))
    return {"status": "submitted", "orders": placed}  # expect: ERR002
