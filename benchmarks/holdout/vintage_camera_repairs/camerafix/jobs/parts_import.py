"""Nightly import of the Lens & Shutter trade catalogue into our parts table.

Run once a night by the parts-import CronJob:
    python -m camerafix.jobs.parts_import
"""
import csv
import io
import logging
import sys

import httpx
from sqlalchemy import select

from ..db import SessionLocal
from ..models import Part
from ..settings import get_settings

logger = logging.getLogger("camerafix.parts_import")

REQUIRED_COLUMNS = {"sku", "description", "trade_price"}


def _price_pence(raw: str) -> int:
    return int(round(float(raw.replace("£", "").replace(",", "").strip()) * 100))


def fetch_catalogue(url: str) -> list[dict]:
    resp = httpx.get(url, timeout=httpx.Timeout(60.0, connect=5.0), follow_redirects=True)
    resp.raise_for_status()
    rows = list(csv.DictReader(io.StringIO(resp.text)))  # expect: RES003
    if rows and not REQUIRED_COLUMNS <= set(rows[0]):
        raise ValueError(f"catalogue is missing columns: {REQUIRED_COLUMNS - set(rows[0])}")
    return rows


def run_import() -> tuple[int, int]:
    settings = get_settings()
    rows = fetch_catalogue(settings.supplier_catalogue_url)
    created = updated = 0
    with SessionLocal() as db:
        existing = {p.sku: p for p in db.scalars(select(Part))}
        for row in rows:
            sku = row["sku"].strip()
            if not sku:
                continue
            try:
                price = _price_pence(row["trade_price"])
            except ValueError:
                logger.warning("skipping %s: unparseable price %r", sku, row["trade_price"])
                continue
            part = existing.get(sku)
            if part is None:
                part = Part(sku=sku, name=row["description"][:200], unit_cost_pence=price)
                db.add(part)
                existing[sku] = part
                created += 1
            elif part.unit_cost_pence != price or part.name != row["description"][:200]:
                part.name = row["description"][:200]
                part.unit_cost_pence = price
                updated += 1
            else:
                continue
            db.commit()  # expect: DB003
    logger.info("catalogue import finished: %d created, %d updated", created, updated)
    return created, updated


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        created, updated = run_import()
    except Exception:
        logger.exception("catalogue import failed")
        return 1
    print(f"created={created} updated={updated}")  # ok: OBS001
    return 0


if __name__ == "__main__":
    sys.exit(main())
