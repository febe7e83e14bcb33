"""Daily bank reconciliation: matches imported bank statement lines to ledger entries."""
import logging
import os
from contextlib import closing
from datetime import date, timedelta

import psycopg2

logger = logging.getLogger(__name__)

DSN = os.environ.get("LEDGER_DSN", "dbname=ledger user=ledger host=localhost")
AMOUNT_TOLERANCE = 0.01


def unmatched_bank_lines(cur, day):
    cur.execute(
        "SELECT id, account_id, amount, value_date, reference FROM bank_lines "
        "WHERE value_date = %s AND matched_entry_id IS NULL",
        (day,),
    )
    return cur.fetchall()


def find_matching_entry(cur, account_id, amount, value_date, reference):
    """Look for a ledger entry with the same reference, or the same amount within two days."""
    cur.execute(
        "SELECT id FROM ledger_entries WHERE account_id = %s AND external_ref = %s AND reconciled_at IS NULL",
        (account_id, reference),
    )
    row = cur.fetchone()
    if row:
        return row[0]
    cur.execute(
        "SELECT id FROM ledger_entries WHERE account_id = %s AND ABS(amount - %s) < %s "
        "AND posted_at BETWEEN %s AND %s AND reconciled_at IS NULL ORDER BY posted_at LIMIT 1",
        (account_id, amount, AMOUNT_TOLERANCE, value_date - timedelta(days=2), value_date + timedelta(days=2)),
    )
    row = cur.fetchone()
    return row[0] if row else None


def reconcile(day: date) -> dict:
    matched = unmatched = 0
    with closing(psycopg2.connect(DSN, connect_timeout=5)) as conn:
        with conn.cursor() as cur:
            for line_id, account_id, amount, value_date, reference in unmatched_bank_lines(cur, day):
                try:
                    entry_id = find_matching_entry(cur, account_id, amount, value_date, reference)  # expect: DB001
                    if entry_id is None:
                        unmatched += 1
                        continue
                    cur.execute("UPDATE bank_lines SET matched_entry_id = %s WHERE id = %s", (entry_id, line_id))
                    cur.execute("UPDATE ledger_entries SET reconciled_at = now() WHERE id = %s", (entry_id,))
                    conn.commit()  # expect: DB003
                    matched += 1
                except:  # expect: ERR001
                    conn.rollback()
                    continue
    logger.info("reconciliation for %s: %s matched, %s unmatched", day, matched, unmatched)
    return {"matched": matched, "unmatched": unmatched}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    reconcile(date.today() - timedelta(days=1))
