"""Load the waterways licence register export into the Boat table.

Usage: python scripts/import_boats.py licences.csv OWNER_FALLBACK_EMAIL

The register is a CSV with one row per licensed boat (about 35,000 rows):
index_number, boat_name, length_m, owner_email.
"""
import csv
import os
import sys
from decimal import Decimal, InvalidOperation

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moorings.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402

from marina.models import Boat  # noqa: E402

User = get_user_model()


def _owner_for(email, fallback, cache):
    key = (email or fallback).strip().lower()
    if key not in cache:
        cache[key], _ = User.objects.get_or_create(username=key, defaults={"email": key, "is_active": False})
    return cache[key]


def import_register(path, fallback_email):
    owners = {}
    created = updated = skipped = 0
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            try:
                length = Decimal(row["length_m"]).quantize(Decimal("0.01"))
            except (InvalidOperation, KeyError):
                print(f"line {line_no}: bad length {row.get('length_m')!r}, skipped")  # ok: OBS001
                skipped += 1
                continue
            owner = _owner_for(row.get("owner_email"), fallback_email, owners)
            with transaction.atomic():  # expect: DB003
                _, was_created = Boat.objects.update_or_create(
                    index_number=row["index_number"].strip().upper(),
                    defaults={"name": row["boat_name"].strip()[:80], "length_m": length, "owner": owner},
                )
            if was_created:
                created += 1
            else:
                updated += 1
            if (created + updated) % 1000 == 0:
                print(f"... {created + updated} boats processed")
    return created, updated, skipped


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    created, updated, skipped = import_register(argv[1], argv[2])
    print(f"done: {created} created, {updated} updated, {skipped} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
