"""Nightly catalogue sync from the merchants' trade API (run from a CronJob).

    python manage.py sync_supplier_catalog [--supplier ridgeway-supplies]
"""
import httpx
from django.conf import settings
from django.core.management.base import BaseCommand
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from estimates.models import Material, Supplier

PAGE_SIZE = 500


class Command(BaseCommand):
    help = "Pull every supplier's catalogue and upsert it into Material"

    def add_arguments(self, parser):
        parser.add_argument("--supplier", action="append", dest="codes", default=[])

    @retry(  # ok: REL002
        stop=stop_after_attempt(4),
        wait=wait_exponential(multiplier=2, max=30),
        retry=retry_if_exception_type(httpx.TransportError),
        reraise=True,
    )
    def _fetch_page(self, client, code, cursor):
        params = {"limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        resp = client.get(f"/v1/suppliers/{code}/catalogue", params=params)
        resp.raise_for_status()
        return resp.json()

    def _pages(self, client, code):
        cursor = None
        while True:  # ok: REL002
            page = self._fetch_page(client, code, cursor)
            yield page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def _upsert(self, supplier, items):
        rows = [
            Material(supplier=supplier, sku=item["sku"], name=item["name"][:200],
                     unit=item.get("unit", "each")[:20], price_pence=int(item["price_pence"]))
            for item in items
        ]
        Material.objects.bulk_create(  # ok: DB003
            rows,
            update_conflicts=True,
            unique_fields=["supplier", "sku"],
            update_fields=["name", "unit", "price_pence"],
            batch_size=PAGE_SIZE,
        )
        return len(rows)

    def handle(self, *args, codes=(), **options):
        suppliers = Supplier.objects.order_by("name")
        if codes:
            suppliers = suppliers.filter(api_code__in=codes)
        with httpx.Client(  # ok: SEC011, REL001
            base_url=settings.SUPPLIER_API_BASE,
            timeout=httpx.Timeout(30.0, connect=5.0),
            verify=settings.SUPPLIER_CA_BUNDLE,
            headers={"X-Api-Key": settings.SUPPLIER_API_KEY},
        ) as client:
            for supplier in suppliers:
                total = sum(self._upsert(supplier, items) for items in self._pages(client, supplier.api_code))
                self.stdout.write(f"{supplier.name}: {total} catalogue items synced")
