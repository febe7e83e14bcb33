"""Dedicated scheduler process (one replica): `python -m movers.scheduler_worker`.

Jobs only enqueue Celery tasks or run set-based SQL, so a missed or doubled tick is
harmless; the compose file runs exactly one of these.
"""
import logging
import signal
import sys
from datetime import datetime, timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import text

from movers.app import create_app
from movers.models import db

log = logging.getLogger("movers.scheduler")

BATCH = 500
EXPIRE_BATCH_SQL = text(
    """
    UPDATE quote_requests SET status = 'expired'
     WHERE id IN (SELECT id FROM quote_requests
                   WHERE status IN ('new', 'surveyed') AND created_at < :cutoff
                   ORDER BY id LIMIT :batch
                   FOR UPDATE SKIP LOCKED)
    """
)


def expire_quotes_in_batches(app, ttl_days=30):
    cutoff = datetime.utcnow() - timedelta(days=ttl_days)
    total = 0
    with app.app_context():
        while True:
            result = db.session.execute(EXPIRE_BATCH_SQL, {"cutoff": cutoff, "batch": BATCH})
            db.session.commit()  # ok: DB003
            total += result.rowcount
            if result.rowcount < BATCH:
                break
    log.info("expired %d stale quotes", total)


def enqueue(task_name):
    from movers.app import celery

    def job():
        celery.send_task(task_name)
        log.info("enqueued %s", task_name)
    return job


def main():
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app()
    scheduler = BlockingScheduler(timezone="UTC", job_defaults={"coalesce": True,
                                                                "max_instances": 1})
    scheduler.add_job(enqueue("movers.reminders.send_move_reminders"), "cron", hour=7,
                      id="move-reminders")
    scheduler.add_job(enqueue("movers.invoices.reconcile_pending_invoices"), "interval",
                      minutes=15, id="invoice-reconcile")
    scheduler.add_job(expire_quotes_in_batches, "interval", hours=6, args=[app],
                      id="expire-quotes")

    def _stop(signum, _frame):
        log.info("signal %s received, shutting down scheduler", signum)
        scheduler.shutdown(wait=False)
        sys.exit(0)

    signal.signal(signal.SIGTERM, _stop)
    scheduler.start()  # ok: SCL003


if __name__ == "__main__":
    main()
