"""Scheduler process: ``python -m florist.scheduler_main``, deployed as a single replica.

Jobs also take a Postgres advisory lock, so a second copy started by mistake skips them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app

from florist import create_app
from florist.db import get_pool
from florist.purchasing.supplier_client import SupplierClient, SupplierError

logger = logging.getLogger("florist.scheduler")

SEND_POS_LOCK = 7_301
BATCH_SIZE = 20


def with_advisory_lock(app, lock_id: int, job: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        with app.app_context(), get_pool().connection() as conn:
            got = conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (lock_id,)).fetchone()["got"]  # ok: SCL003
            if not got:
                logger.info("job %s already running elsewhere, skipping", job.__name__)
                return
            try:
                job()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (lock_id,))

    return run


def send_draft_purchase_orders() -> int:
    """Send draft POs to the supplier; each PO is committed on its own once the supplier has it."""
    sent = 0
    with SupplierClient.from_config(current_app.config) as client, get_pool().connection() as conn:
        drafts = conn.execute(
            "SELECT id, supplier_code, week_start FROM purchase_order WHERE status = 'draft' "
            "ORDER BY id LIMIT %s",
            (BATCH_SIZE,),
        ).fetchall()
        lines_by_po: dict[int, list[dict]] = defaultdict(list)
        for line in conn.execute(
            "SELECT l.purchase_order_id, l.flower_id, l.packs, f.supplier_sku FROM purchase_order_line l "
            "JOIN flower f ON f.id = l.flower_id WHERE l.purchase_order_id = ANY(%s)",
            ([po["id"] for po in drafts],),
        ):
            lines_by_po[line.pop("purchase_order_id")].append(line)  # ok: DB001

        for po in drafts:
            lines = lines_by_po.get(po["id"], [])
            deliver_on = (po["week_start"] - timedelta(days=2)).isoformat()
            try:
                receipt = client.create_purchase_order(po["id"], po["supplier_code"], lines, deliver_on)
            except SupplierError:
                logger.exception("supplier refused purchase order %s", po["id"])
                continue
            conn.execute(
                "UPDATE purchase_order SET status = 'sent', sent_at = now(), supplier_reference = %s "
                "WHERE id = %s AND status = 'draft'",
                (receipt["reference"], po["id"]),
            )
            conn.commit()  # ok: DB003
            sent += 1
    logger.info("sent %d of %d draft purchase orders", sent, len(drafts))
    return sent


def main() -> None:
    app = create_app(start_scheduler=False)
    scheduler = BlockingScheduler(
        timezone=app.config["TIMEZONE"], job_defaults={"coalesce": True, "max_instances": 1}
    )
    scheduler.add_job(
        with_advisory_lock(app, SEND_POS_LOCK, send_draft_purchase_orders),
        "interval",
        minutes=10,
        id="send-draft-pos",
    )
    logger.info("scheduler starting with %d jobs", len(scheduler.get_jobs()))
    scheduler.start()


if __name__ == "__main__":
    main()
