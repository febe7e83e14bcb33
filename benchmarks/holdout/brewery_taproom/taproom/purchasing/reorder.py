"""Nightly par-level reorder (run by the k8s CronJob: python -m taproom.purchasing.reorder)."""
import logging
import os
import sys
import uuid

import httpx
from sqlalchemy import func, select
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from taproom.db import SessionLocal
from taproom.models import Beer, Keg, PurchaseOrder, Supplier

log = logging.getLogger("taproom.reorder")

SUPPLIER_TIMEOUT = httpx.Timeout(15.0, connect=5.0)


def _shortfalls(session) -> dict[int, list[dict]]:
    """One grouped query: beers whose full kegs in the cellar are below par."""
    full_kegs = (
        select(Keg.beer_id, func.count(Keg.id).label("in_cellar"))
        .where(Keg.status == "in_cellar")
        .group_by(Keg.beer_id)
        .subquery()
    )
    rows = session.execute(
        select(Beer.id, Beer.sku, Beer.supplier_id, Beer.par_kegs,
               func.coalesce(full_kegs.c.in_cellar, 0))
        .outerjoin(full_kegs, full_kegs.c.beer_id == Beer.id)
        .where(Beer.par_kegs > func.coalesce(full_kegs.c.in_cellar, 0))
    ).all()
    wanted: dict[int, list[dict]] = {}
    for beer_id, sku, supplier_id, par, have in rows:
        wanted.setdefault(supplier_id, []).append({"beer_id": beer_id, "sku": sku, "kegs": par - have})
    return wanted


def _submit(client: httpx.Client, supplier: Supplier, order: PurchaseOrder) -> str:
    for attempt in Retrying(
        stop=stop_after_attempt(4),
        wait=wait_exponential(multiplier=2, max=30),
        retry=retry_if_exception_type(httpx.TransportError),
        reraise=True,
    ):
        with attempt:
            resp = client.post(
                f"{supplier.api_base}/orders",
                json={"account": supplier.account_no, "reference": order.reference, "lines": order.lines},
                headers={"Authorization": f"Bearer {os.environ.get(f'SUPPLIER_TOKEN_{supplier.id}', '')}",
                         "Idempotency-Key": order.reference},
            )
            resp.raise_for_status()
            return resp.json()["order_id"]
    raise RuntimeError("unreachable")


def run() -> int:
    failures = 0
    with SessionLocal() as session, httpx.Client(timeout=SUPPLIER_TIMEOUT) as client:
        pending = session.scalars(select(PurchaseOrder).where(PurchaseOrder.status == "pending")).all()
        if not pending:
            for supplier_id, lines in _shortfalls(session).items():
                session.add(PurchaseOrder(reference=f"PO-{uuid.uuid4().hex[:12]}",
                                          supplier_id=supplier_id, lines=lines))
            session.commit()
            pending = session.scalars(select(PurchaseOrder).where(PurchaseOrder.status == "pending")).all()

        supplier_ids = {order.supplier_id for order in pending}
        suppliers = {s.id: s for s in session.scalars(select(Supplier).where(Supplier.id.in_(supplier_ids)))}
        for order in pending:
            supplier = suppliers[order.supplier_id]
            try:
                order.external_ref = _submit(client, supplier, order)
                order.status = "submitted"
            except httpx.HTTPError:
                failures += 1
                log.exception("order %s to supplier %s not submitted; will retry next run",
                              order.reference, supplier.id)
            session.commit()  # ok: DB003
    return failures


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    sys.exit(1 if run() else 0)
