"""Nightly refresh of every active bird's vet certificate."""

import logging
from datetime import date, datetime, timezone

import dramatiq
import requests

import falconry.worker  # noqa: F401  (binds actors to the Redis broker)
from falconry.clients.vetcheck import VetCheckError, client
from falconry.db import db
from falconry.models import Bird

logger = logging.getLogger(__name__)

BATCH_SIZE = 100


def _refresh_batch(birds: list[Bird], today: date) -> tuple[int, int]:
    """Look up each bird's certificate and store the results for the batch in one transaction."""
    results: dict[int, date | None] = {}
    failures = 0
    for bird in birds:
        try:
            cert = client.certificate(bird.ring_number, today)
        except (requests.RequestException, VetCheckError):
            logger.warning("vet certificate lookup failed", exc_info=True, extra={"bird_id": bird.id})  # ok: ERR001
            failures += 1
            continue
        results[bird.id] = cert.valid_until if cert and cert.covers(today) else None

    checked_at = datetime.now(timezone.utc)
    with db.atomic():  # ok: DB003
        for bird_id, valid_until in results.items():
            Bird.update(vet_cleared_until=valid_until, vet_checked_at=checked_at).where(Bird.id == bird_id).execute()
    return len(results), failures


@dramatiq.actor(queue_name="vet", max_retries=2, min_backoff=300_000, time_limit=30 * 60 * 1000)
def sync_vet_certificates(start_after_id: int = 0) -> dict:
    """Walk the active birds in id order, committing each batch.

    The updates only overwrite a bird's certificate fields, so a retry that walks
    the list again repeats lookups but never changes anything twice."""
    today = date.today()
    last_id = start_after_id
    updated = failed = 0
    while True:  # ok: REL002
        birds = list(
            Bird.select()
            .where((Bird.active == True) & (Bird.id > last_id))
            .order_by(Bird.id)
            .limit(BATCH_SIZE)
        )
        if not birds:
            break
        ok, bad = _refresh_batch(birds, today)
        updated += ok
        failed += bad
        last_id = birds[-1].id
    logger.info("vet certificates refreshed", extra={"updated": updated, "failed": failed})
    if failed:
        grounded = Bird.select().where((Bird.active == True) & (Bird.vet_cleared_until < today)).count()
        logger.warning("birds without a current certificate", extra={"count": grounded})
    return {"updated": updated, "failed": failed}
