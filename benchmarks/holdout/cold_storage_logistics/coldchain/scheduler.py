"""Periodic jobs, run as a single dedicated process: ``python -m coldchain.scheduler``.

Each job also takes a PostgreSQL advisory lock, so a second scheduler started
by mistake (or during a rollout) skips the run instead of doubling it.
"""
import logging
import signal
import zlib
from functools import wraps

from apscheduler.schedulers.blocking import BlockingScheduler

from coldchain import db
from coldchain.alerts import flush_alert_outbox
from coldchain.config import Config
from coldchain.excursions import close_recovered_excursions

logger = logging.getLogger("coldchain.scheduler")


def singleton(name):
    lock_id = zlib.crc32(f"coldchain:{name}".encode())

    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            with db.pool().connection() as conn:
                conn.autocommit = True
                got = conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (lock_id,)).fetchone()["got"]
                if not got:
                    logger.info("%s already running elsewhere, skipping", name)
                    return None
                try:
                    return fn(*args, **kwargs)
                except Exception:
                    logger.exception("scheduled job %s failed", name)
                    return None
                finally:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (lock_id,))
                    conn.autocommit = False
        return wrapper
    return decorator


@singleton("alert-outbox")
def deliver_alerts(config):
    sent = flush_alert_outbox(config)
    if sent:
        logger.info("delivered %s alerts", sent)


@singleton("excursion-close")
def close_excursions():
    close_recovered_excursions()


@singleton("report-lease-expiry")
def expire_stuck_reports():
    with db.transaction() as conn:
        failed = conn.execute(
            "UPDATE report_jobs SET status = 'failed', finished_at = now() "
            "WHERE status = 'running' AND attempts >= 3 AND started_at < now() - interval '1 hour'"
        ).rowcount
    if failed:
        logger.warning("marked %s report jobs failed after repeated lease expiry", failed)


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    config = Config.from_env()
    db.init_pool(config)
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(deliver_alerts, "interval", seconds=20, args=[config], id="alert-outbox", max_instances=1)
    scheduler.add_job(close_excursions, "interval", minutes=5, id="excursion-close", max_instances=1)
    scheduler.add_job(expire_stuck_reports, "interval", minutes=30, id="report-lease-expiry", max_instances=1)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    try:
        scheduler.start()  # ok: SCL003
    finally:
        db.close_pool()


if __name__ == "__main__":
    main()
