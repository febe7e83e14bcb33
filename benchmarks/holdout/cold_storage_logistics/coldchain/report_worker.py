"""Report worker process: ``python -m coldchain.report_worker``.

Jobs live in the report_jobs table (status 'queued'); each worker claims one
at a time with SKIP LOCKED, so any number of workers can run and a crashed
worker's job is picked up again once its lease expires.
"""
import csv
import logging
import signal
import tempfile
import threading

from coldchain import db
from coldchain.config import Config
from coldchain.report_builder import s3_client

logger = logging.getLogger("coldchain.report_worker")

LEASE = "15 minutes"
stop = threading.Event()


def claim_job():
    with db.transaction() as conn:
        return conn.execute(  # ok: REL005
            "UPDATE report_jobs SET status = 'running', started_at = now(), attempts = attempts + 1 "
            "WHERE id = (SELECT id FROM report_jobs WHERE kind = 'pallet_manifest' AND attempts < 3 "
            f"  AND (status = 'queued' OR (status = 'running' AND started_at < now() - interval '{LEASE}')) "  # ok: SEC001
            "  ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
            "RETURNING id, customer_id, month",
        ).fetchone()


def build_manifest(config, job):
    key = f"reports/{job['customer_id']}/manifest-{job['month']}-{job['id']}.csv"
    with tempfile.NamedTemporaryFile("w+", newline="", suffix=".csv") as out:
        writer = csv.writer(out)
        writer.writerow(["lpn", "sku", "status", "location", "received_at", "weight_kg"])
        with db.pool().connection() as conn:
            with conn.cursor(name=f"manifest_{job['id']}") as cur:
                cur.itersize = 2000
                cur.execute(
                    "SELECT p.lpn, p.sku, p.status, l.code, p.received_at, p.weight_kg FROM pallets p "
                    "LEFT JOIN locations l ON l.id = p.location_id WHERE p.customer_id = %s ORDER BY p.lpn",
                    (job["customer_id"],),
                )
                for lpn, sku, status, code, received_at, weight in cur:  # ok: RES003
                    writer.writerow([lpn, sku, status, code or "", received_at.isoformat(), weight])
            conn.rollback()
        out.flush()
        s3_client(config.aws_region).upload_file(out.name, config.s3_bucket, key, ExtraArgs={"ContentType": "text/csv"})
    return key


def finish(job_id, key=None, failed=False):
    with db.transaction() as conn:
        conn.execute(
            "UPDATE report_jobs SET status = %s, s3_key = %s, finished_at = now() WHERE id = %s",
            ("failed" if failed else "done", key, job_id),
        )


def run(config):
    while not stop.is_set():  # ok: REL002
        job = claim_job()
        if job is None:
            stop.wait(5)
            continue
        logger.info("building manifest job %s for customer %s", job["id"], job["customer_id"])
        try:
            key = build_manifest(config, job)
        except Exception:
            logger.exception("manifest job %s failed", job["id"])
            finish(job["id"], failed=True)
            continue
        finish(job["id"], key=key)
        logger.info("manifest job %s done: %s", job["id"], key)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    cfg = Config.from_env()
    db.init_pool(cfg)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        run(cfg)
    finally:
        db.close_pool()
