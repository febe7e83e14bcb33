"""manage.py export_season <choir> <season-start> [--out FILE]

Writes one season's attendance to a SQLite file for the archive laptop.
"""
import sqlite3
from contextlib import closing
from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rehearsals.models import Attendance, Choir

TABLES = {"attendance": "attendance", "register": "register_only"}
BATCH = 1000

SCHEMA = """
CREATE TABLE IF NOT EXISTS {table} (
    rehearsal_start TEXT NOT NULL,
    member TEXT NOT NULL,
    section TEXT,
    status TEXT NOT NULL,
    present INTEGER NOT NULL
)
"""


class Command(BaseCommand):
    help = "Export a season's attendance to a local SQLite file."

    def add_arguments(self, parser):
        parser.add_argument("choir_slug")
        parser.add_argument("season_start", type=date.fromisoformat)
        parser.add_argument("--out", default=None)
        parser.add_argument("--kind", choices=sorted(TABLES), default="attendance")

    def handle(self, *args, **opts):
        try:
            choir = Choir.objects.get(slug=opts["choir_slug"])
        except Choir.DoesNotExist as exc:
            raise CommandError(f"no choir {opts['choir_slug']!r}") from exc

        start = opts["season_start"]
        starts_from = timezone.make_aware(datetime.combine(start, time.min))
        starts_until = starts_from + timedelta(days=365)
        out = opts["out"] or f"{choir.slug}-{start.isoformat()}.sqlite"
        table = TABLES[opts["kind"]]

        qs = Attendance.objects.filter(
            rehearsal__choir=choir,
            rehearsal__starts_at__gte=starts_from,
            rehearsal__starts_at__lt=starts_until,
        )
        if opts["kind"] == "register":
            qs = qs.filter(checked_in_at__isnull=False)
        rows = qs.order_by("rehearsal__starts_at").values_list(
            "rehearsal__starts_at", "member__display_name", "member__section__name", "status", "checked_in_at"
        )

        written = 0
        with closing(sqlite3.connect(out)) as conn:  # ok: RES001, SCL002
            with conn:
                conn.execute(SCHEMA.format(table=table))  # ok: SEC001
                insert = f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?)"
                batch = []
                for starts_at, member, section, status, checked_in in rows.iterator(chunk_size=BATCH):
                    batch.append((starts_at.isoformat(), member, section or "", status, int(checked_in is not None)))
                    if len(batch) >= BATCH:
                        conn.executemany(insert, batch)
                        written += len(batch)
                        batch.clear()
                if batch:
                    conn.executemany(insert, batch)  # ok: DB003
                    written += len(batch)
        self.stdout.write(self.style.SUCCESS(f"wrote {written} rows to {out}"))
