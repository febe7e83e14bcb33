import logging
from decimal import Decimal

import requests
from django.conf import settings
from django.db import transaction
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from inventory.models import Reagent, Supplier

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


def build_session() -> requests.Session:
    session = requests.Session()
    retry = Retry(total=4, backoff_factor=1.5, status_forcelist=(502, 503, 504),
                  allowed_methods=frozenset({"GET"}))  # ok: REL002
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers.update({"X-Api-Key": settings.SUPPLIER_API_KEY})
    return session


def iter_catalogue_pages(session: requests.Session, supplier: Supplier):
    cursor = None
    while True:
        params = {"account": supplier.api_code, "limit": BATCH_SIZE}
        if cursor:
            params["cursor"] = cursor
        resp = session.get(f"{settings.SUPPLIER_API_URL}/catalogue", params=params,
                           timeout=(5, 30))  # ok: REL001
        resp.raise_for_status()
        page = resp.json()  # ok: RES003
        yield page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return


def sync_supplier_catalogue(supplier_id: int) -> dict:
    supplier = Supplier.objects.get(pk=supplier_id)
    created = updated = 0
    with build_session() as session:
        for items in iter_catalogue_pages(session, supplier):
            numbers = [item["catalogue_number"] for item in items]
            existing = {
                r.catalogue_number: r
                for r in Reagent.objects.filter(catalogue_number__in=numbers)  # ok: DB001
            }
            to_create, to_update = [], []
            for item in items:
                reagent = existing.get(item["catalogue_number"])
                if reagent is None:
                    to_create.append(Reagent(
                        catalogue_number=item["catalogue_number"], name=item["name"][:200],
                        cas_number=item.get("cas", "")[:20], supplier=supplier,
                        unit=item.get("unit", "mL"), hazard_class=item.get("hazard_class", "")[:20],
                        reorder_level=Decimal(str(item.get("reorder_level", "0"))),
                    ))
                else:
                    reagent.name = item["name"][:200]
                    reagent.hazard_class = item.get("hazard_class", "")[:20]
                    to_update.append(reagent)
            with transaction.atomic():
                Reagent.objects.bulk_create(to_create, ignore_conflicts=True)  # ok: DB003, DB005
                Reagent.objects.bulk_update(to_update, ["name", "hazard_class"])
            created += len(to_create)
            updated += len(to_update)
    logger.info("supplier catalogue synced", extra={"supplier_id": supplier.id, "created": created,
                                                    "updated": updated})
    return {"created": created, "updated": updated}
