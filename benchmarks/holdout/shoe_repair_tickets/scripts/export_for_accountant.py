"""Monthly export for the accountant: one SQLite file with the month's repairs and credit movements.

Usage:
    python scripts/export_for_accountant.py --month 2024-05 --out /exports/heelandsole.sqlite3
The accountant's spreadsheet links to the same file every month, so re-running a month
replaces that month's rows.
"""
import argparse
import os
import sqlite3
import sys
from contextlib import closing
from datetime import date

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shoerepair.settings")
django.setup()

from credit.models import CreditEntry  # noqa: E402
from tickets.models import RepairTicket  # noqa: E402

SCHEMA = """
CREATE TABLE IF NOT EXISTS repairs (
    month TEXT NOT NULL, claim_number TEXT NOT NULL, customer TEXT, item TEXT,
    quoted_cents INTEGER, status TEXT, picked_up_at TEXT
);
CREATE TABLE IF NOT EXISTS credit_movements (
    month TEXT NOT NULL, entry_id INTEGER NOT NULL, customer TEXT, amount_cents INTEGER,
    reason TEXT, claim_number TEXT, created_at TEXT
);
"""
BATCH = 1000


def month_bounds(month: str) -> tuple[date, date]:
    first = date.fromisoformat(f"{month}-01")
    return first, date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def export(month: str, out_path: str) -> tuple[int, int]:
    with closing(sqlite3.connect(out_path)) as conn:  # ok: RES001
        conn.executescript(SCHEMA)
        for table in ("repairs", "credit_movements"):
            conn.execute(f"DELETE FROM {table} WHERE month = '{month}'")  # expect: SEC001
        first, nxt = month_bounds(month)

        repairs = (
            RepairTicket.objects.filter(picked_up_at__gte=first, picked_up_at__lt=nxt)
            .select_related("customer")
            .order_by("pk")
            .iterator(chunk_size=BATCH)  # ok: DB002
        )
        rows, n_repairs = [], 0
        for t in repairs:
            rows.append((month, t.claim_number, t.customer.name, t.item_description,
                         t.quoted_cents, t.status, t.picked_up_at.isoformat()))
            if len(rows) >= BATCH:
                conn.executemany("INSERT INTO repairs VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
                n_repairs += len(rows)
                rows.clear()
        conn.executemany("INSERT INTO repairs VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        n_repairs += len(rows)

        entries = (
            CreditEntry.objects.filter(created_at__gte=first, created_at__lt=nxt)
            .select_related("account__customer", "ticket")
            .order_by("pk")
        )
        credit_rows = [
            (month, e.pk, e.account.customer.name, e.amount_cents, e.reason,
             e.ticket.claim_number if e.ticket_id else None, e.created_at.isoformat())
            for e in entries.iterator(chunk_size=BATCH)
        ]
        conn.executemany("INSERT INTO credit_movements VALUES (?, ?, ?, ?, ?, ?, ?)", credit_rows)
        conn.commit()
    return n_repairs, len(credit_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description="Export a month for the accountant")
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--out", default="/exports/heelandsole.sqlite3")
    args = parser.parse_args()
    n_repairs, n_credit = export(args.month, args.out)
    print(f"{args.month}: {n_repairs} repairs, {n_credit} credit movements -> {args.out}")  # ok: OBS001


if __name__ == "__main__":
    main()
