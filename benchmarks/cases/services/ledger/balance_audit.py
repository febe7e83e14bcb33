"""Command-line audit that compares account balances with the sum of their ledger entries."""
import argparse
import os
import sys
from contextlib import closing
from decimal import Decimal

import psycopg2

DSN = os.environ.get("LEDGER_DSN", "dbname=ledger user=ledger host=localhost")

AUDIT_SQL = """
    SELECT a.id, a.balance, COALESCE(SUM(e.amount), 0) AS entries_total
    FROM accounts a
    LEFT JOIN ledger_entries e ON e.account_id = a.id
    WHERE a.currency = %s
    GROUP BY a.id, a.balance
    HAVING a.balance <> COALESCE(SUM(e.amount), 0)
    ORDER BY a.id
    LIMIT %s
"""


def find_mismatches(currency: str, limit: int) -> list[tuple[int, Decimal, Decimal]]:
    with closing(psycopg2.connect(DSN, connect_timeout=5)) as conn, conn.cursor() as cur:
        cur.execute(AUDIT_SQL, (currency, limit))  # ok: SEC001
        return cur.fetchall()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="List accounts whose balance disagrees with their ledger entries")
    parser.add_argument("--currency", default="EUR")
    parser.add_argument("--limit", type=int, default=100)
    args = parser.parse_args(argv)

    mismatches = find_mismatches(args.currency.upper(), args.limit)
    if not mismatches:
        print(f"all {args.currency.upper()} balances match their ledger entries")  # ok: OBS001
        return 0
    print(f"{'account':>10} {'balance':>14} {'entries':>14} {'difference':>14}")  # ok: OBS001
    for account_id, balance, entries_total in mismatches:
        print(f"{account_id:>10} {balance:>14} {entries_total:>14} {balance - entries_total:>14}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
