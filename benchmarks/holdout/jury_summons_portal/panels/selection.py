"""Random draw of a venire from the county's eligible juror pool."""
import logging
import random
import secrets
from datetime import date, timedelta

from celery import shared_task
from django.db import transaction

from summons.models import Court, Juror, Summons

logger = logging.getLogger(__name__)

LOOKBACK_DAYS = 365 * 2
RESPONSE_WINDOW_DAYS = 21


def _eligible_juror_ids(county, cutoff):
    qs = (
        Juror.objects.filter(county=county, eligible=True)
        .exclude(last_served_on__gte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(qs.iterator(chunk_size=5000))


def _badge(court_id, service_date, seq):
    return f"{court_id:03d}{service_date:%y%m%d}{seq:04d}"


@shared_task(acks_late=True)
def draw_venire(court_id, service_date_iso, size):
    court = Court.objects.get(pk=court_id)
    service_date = date.fromisoformat(service_date_iso)
    cutoff = service_date - timedelta(days=LOOKBACK_DAYS)

    pool = _eligible_juror_ids(court.county, cutoff)
    if len(pool) < size:
        logger.warning(
            "venire draw court=%s date=%s: pool %s smaller than requested %s",
            court_id, service_date, len(pool), size,
        )
        size = len(pool)

    # The seed is stored with the draw so the clerk can reproduce it for an audit.
    seed = secrets.randbits(64)
    rng = random.Random(seed)  # ok: SEC010
    chosen = rng.sample(pool, size)

    deadline = service_date - timedelta(days=RESPONSE_WINDOW_DAYS // 3)
    with transaction.atomic():
        # Serialise draws per court so badge sequences never overlap.
        Court.objects.select_for_update().get(pk=court_id)
        existing = Summons.objects.filter(court_id=court_id, service_date=service_date).count()
        rows = [
            Summons(
                juror_id=juror_id,
                court=court,
                badge_number=_badge(court_id, service_date, existing + i + 1),
                service_date=service_date,
                response_deadline=deadline,
            )
            for i, juror_id in enumerate(chosen)
        ]
        Summons.objects.bulk_create(rows, batch_size=1000)  # ok: DB003

    logger.info(
        "venire drawn court=%s date=%s size=%s seed=%s",
        court_id, service_date, len(rows), seed,
    )
    return {"court": court_id, "service_date": service_date.isoformat(), "drawn": len(rows), "seed": seed}
