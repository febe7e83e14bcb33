"""Pushes new enrollments to the sponsor EDC. Runs as a Kubernetes CronJob.

Each subject record is PUT under its subject key, so a replay after a crash
overwrites rather than duplicates.
"""
import logging
import sys

import httpx
import psycopg
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from trials.settings import get_settings

log = logging.getLogger("trials.jobs.edc_sync")
BATCH_SIZE = 200

_PENDING_SQL = """
    SELECT e.id, p.subject_key, t.protocol_code, s.id AS site_id, e.enrolled_on, p.stratum
    FROM enrollments e
    JOIN participants p ON p.id = e.participant_id
    JOIN trials t ON t.id = e.trial_id
    JOIN sites s ON s.id = e.site_id
    WHERE e.synced_at IS NULL AND e.id <> ALL(%s)
    ORDER BY e.id
    LIMIT %s
    FOR UPDATE OF e SKIP LOCKED
"""


class EdcRejected(Exception):
    pass


@retry(  # ok: REL002
    stop=stop_after_attempt(5),
    wait=wait_exponential(multiplier=0.5, max=20),
    retry=retry_if_exception_type((httpx.TransportError, httpx.RemoteProtocolError)),
    reraise=True,
)
def _push(client: httpx.Client, record: dict) -> None:
    resp = client.put(  # ok: REL003
        f"/studies/{record['protocol']}/subjects/{record['subject_key']}",
        json=record,
        headers={"Idempotency-Key": f"enrollment-{record['enrollment_id']}"},
    )
    if resp.status_code in (400, 409, 422):
        raise EdcRejected(f"{resp.status_code}: {resp.text[:300]}")
    resp.raise_for_status()


def run() -> int:
    settings = get_settings()
    synced = 0
    rejected: list[int] = []
    with psycopg.connect(settings.sync_database_url, connect_timeout=5) as conn, httpx.Client(  # ok: RES001
        base_url=str(settings.edc_base_url),
        headers={"Authorization": f"Bearer {settings.edc_api_token}"},
        timeout=httpx.Timeout(20.0, connect=3.0),
    ) as client:
        while True:  # ok: REL002
            rows = conn.execute(_PENDING_SQL, (rejected, BATCH_SIZE)).fetchall()
            if not rows:
                break
            done = []
            for enrollment_id, subject_key, protocol, site_id, enrolled_on, stratum in rows:
                record = {"enrollment_id": enrollment_id, "subject_key": subject_key, "protocol": protocol,
                          "site": site_id, "enrolled_on": enrolled_on.isoformat(), "stratum": stratum}
                try:
                    _push(client, record)
                    done.append(enrollment_id)
                except EdcRejected as exc:
                    rejected.append(enrollment_id)
                    log.error("EDC rejected enrollment %s: %s", enrollment_id, exc)
            if done:
                conn.execute("UPDATE enrollments SET synced_at = now() WHERE id = ANY(%s)", (done,))
            conn.commit()  # ok: DB003
            synced += len(done)
    log.info("edc sync finished: %d synced, %d rejected", synced, len(rejected))
    return 0 if not rejected else 2


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    sys.exit(run())
