"""Nightly import of meter-round files that the reading contractor drops in object storage."""
import csv
import io
import logging
from datetime import date
from decimal import Decimal, InvalidOperation

from celery import shared_task
from django.core.files.storage import default_storage
from django.db import transaction

from garden.models import MeterReading, Plot

log = logging.getLogger(__name__)

INBOX_PREFIX = "meter-inbox/"
DONE_PREFIX = "meter-done/"
BATCH_SIZE = 1000


def _flush(batch):
    with transaction.atomic():
        MeterReading.objects.bulk_create(batch, ignore_conflicts=True)  # ok: DB003
    return len(batch)


def _site_from_key(storage_key):
    """meter-inbox/<site>/<file>.csv -> <site>; None for anything else."""
    if not storage_key.startswith(INBOX_PREFIX) or ".." in storage_key:
        return None
    parts = storage_key[len(INBOX_PREFIX):].split("/")
    return parts[0] if len(parts) == 2 and parts[0] and parts[1].endswith(".csv") else None


@shared_task(acks_late=True)
def import_meter_file(storage_key):
    site_code = _site_from_key(storage_key)
    if site_code is None:
        log.warning("ignoring unexpected object %s in the meter inbox", storage_key)
        return 0
    plot_ids = dict(Plot.objects.filter(site__code=site_code).values_list("number", "pk"))

    batch, imported, skipped = [], 0, 0
    with default_storage.open(storage_key, "rb") as raw:  # ok: RES001
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        for row in reader:
            plot_id = plot_ids.get((row.get("plot") or "").strip())
            try:
                read_on = date.fromisoformat(row["read_on"].strip())
                reading = Decimal(row["reading_m3"].strip())
            except (KeyError, AttributeError, ValueError, InvalidOperation):
                plot_id = None
            if plot_id is None:
                skipped += 1
                continue
            batch.append(MeterReading(plot_id=plot_id, read_on=read_on, reading_m3=reading))
            if len(batch) >= BATCH_SIZE:
                imported += _flush(batch)
                batch = []
    if batch:
        imported += _flush(batch)

    done_key = DONE_PREFIX + storage_key[len(INBOX_PREFIX):]
    with default_storage.open(storage_key, "rb") as src:
        default_storage.save(done_key, src)
    default_storage.delete(storage_key)
    log.info("meter file %s: %s rows imported, %s skipped", storage_key, imported, skipped)
    return imported


@shared_task
def scan_meter_inbox():
    """Queue an import for every file waiting in the inbox."""
    site_dirs, _ = default_storage.listdir(INBOX_PREFIX)
    queued = 0
    for site_code in site_dirs:
        _, files = default_storage.listdir(f"{INBOX_PREFIX}{site_code}/")
        for name in files:
            import_meter_file.delay(f"{INBOX_PREFIX}{site_code}/{name}")
            queued += 1
    log.info("queued %s meter files for import", queued)
    return queued
