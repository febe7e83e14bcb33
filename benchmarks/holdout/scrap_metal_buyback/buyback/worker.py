"""Background worker process: price feeds, settlements, hold expiry.

Deployed as its own single-replica service: `python -m buyback.worker`.
"""
from __future__ import annotations

import logging
import signal
import sys

from buyback import price_feed, settlements
from buyback.db import get_conn, pool
from buyback.scheduler import Scheduler

log = logging.getLogger("buyback.worker")

WORKER_LOCK_ID = 0x5C_A9_0001


def release_expired_holds() -> int:
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE police_holds SET released_at = now(), release_reason = 'expired'"
            " WHERE released_at IS NULL AND hold_until < now()"
        )
        released = cur.rowcount
        cur.execute(
            "UPDATE weigh_tickets SET status = 'closed' WHERE status = 'on_hold'"
            " AND id IN (SELECT ticket_id FROM police_holds WHERE release_reason = 'expired'"
            "            AND released_at > now() - interval '1 hour')"
        )
        conn.commit()
    return released


def settle_due_accounts() -> int:
    return settlements.run_pending_settlements(limit=100)


def _hold_singleton_lock(conn) -> bool:
    with conn.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s) AS locked", (WORKER_LOCK_ID,))
        return bool(cur.fetchone()["locked"])


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    lock_conn = pool.get().getconn()
    if not _hold_singleton_lock(lock_conn):
        log.error("another worker holds the scheduler lock; exiting")
        pool.get().putconn(lock_conn)
        return 1

    sched = Scheduler()
    sched.every(300, price_feed.refresh_prices, name="price-feeds", run_now=True)
    sched.every(3600, settle_due_accounts, name="settlements")
    sched.every(900, release_expired_holds, name="hold-expiry")

    def _shutdown(signum, _frame):
        log.info("signal %s received, stopping", signum)
        sched.stop(timeout=0)

    signal.signal(signal.SIGTERM, _shutdown)
    signal.signal(signal.SIGINT, _shutdown)
    try:
        sched.run_forever()  # ok: SCL003
    finally:
        pool.get().putconn(lock_conn)
        pool.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
