"""Load a merchant's CSV price list into the materials catalogue.

    python manage.py import_price_list ridgeway-supplies ./prices/ridgeway-2024-06.csv
"""
import csv
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from estimates.models import Material, Supplier

REQUIRED_COLUMNS = {"SKU", "Description", "Price"}


class Command(BaseCommand):
    help = "Import or update materials from a supplier's CSV price list"

    def add_arguments(self, parser):
        parser.add_argument("supplier_code")
        parser.add_argument("csv_path")
        parser.add_argument("--dry-run", action="store_true", help="parse and report without saving")

    def handle(self, supplier_code, csv_path, dry_run=False, **options):
        try:
            supplier = Supplier.objects.get(api_code=supplier_code)
        except Supplier.DoesNotExist:
            raise CommandError(f"unknown supplier {supplier_code!r}")

        created = updated = skipped = 0
        with open(csv_path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
            if missing:
                raise CommandError(f"price list is missing columns: {', '.join(sorted(missing))}")
            for line_no, row in enumerate(reader, start=2):
                sku = row["SKU"].strip()
                try:
                    price_pence = int(Decimal(row["Price"].replace("£", "").strip()) * 100)
                except InvalidOperation:
                    print(f"line {line_no}: bad price {row['Price']!r}, skipped")  # ok: OBS001
                    skipped += 1
                    continue

                material = Material.objects.filter(supplier=supplier, sku=sku).first()  # expect: DB001
                if material is None:
                    material = Material(supplier=supplier, sku=sku)
                    created += 1
                else:
                    updated += 1
                material.name = row["Description"].strip()[:200]
                material.unit = (row.get("Unit") or "each").strip()[:20]
                material.price_pence = price_pence
                if not dry_run:
                    material.save()  # expect: DB003

        verb = "would import" if dry_run else "imported"
        print(f"{supplier.name}: {verb} {created} new, {updated} updated, {skipped} skipped")  # ok: OBS001
