"""manage.py export_ledger --year 2024 --out ledger-2024.sqlite3

Writes a year's invoices and payments into a standalone SQLite file for the accountant.
"""
import sqlite3
from contextlib import closing
from itertools import islice

from django.core.management.base import BaseCommand, CommandError

from billing.models import Invoice, Payment

BATCH = 1000

SCHEMA = """
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY, number TEXT, client TEXT, issued_on TEXT,
    currency TEXT, total TEXT, status TEXT
);
CREATE TABLE payments (
    id INTEGER PRIMARY KEY, invoice_id INTEGER, reference TEXT, amount TEXT, received_at TEXT
);
"""


def batched(iterable, size):
    it = iter(iterable)
    while batch := list(islice(it, size)):
        yield batch


class Command(BaseCommand):
    help = "Export a year's invoices and payments to a SQLite file"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True)

    def handle(self, *args, year, out, **options):
        invoices = (
            Invoice.objects.filter(issued_on__year=year)  # ok: DB006
            .select_related("client")
            .order_by("pk")
            .iterator(chunk_size=BATCH)
        )
        payments = Payment.objects.filter(invoice__issued_on__year=year).order_by("pk").iterator(chunk_size=BATCH)
        try:
            with closing(sqlite3.connect(out)) as conn:
                conn.executescript(SCHEMA)
                n_invoices = 0
                for batch in batched(invoices, BATCH):
                    with conn:
                        conn.executemany(
                            "INSERT INTO invoices VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [
                                (i.pk, i.number, i.client.name, i.issued_on.isoformat(), i.currency, str(i.total), i.status)
                                for i in batch
                            ],
                        )
                    n_invoices += len(batch)
                n_payments = 0
                for batch in batched(payments, BATCH):
                    with conn:
                        conn.executemany(
                            "INSERT INTO payments VALUES (?, ?, ?, ?, ?)",
                            [(p.pk, p.invoice_id, p.provider_reference, str(p.amount), p.received_at.isoformat()) for p in batch],
                        )
                    n_payments += len(batch)
        except sqlite3.OperationalError as exc:
            raise CommandError(f"could not write {out}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"wrote {n_invoices} invoices and {n_payments} payments to {out}"))
