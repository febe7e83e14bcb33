"""Month-end close: rolls ledger entries up into monthly account balances."""
import logging
import os
from contextlib import closing
from datetime import date, timedelta

import psycopg2
import psycopg2.errors
from psycopg2.extras import execute_values

logger = logging.getLogger(__name__)

DSN = os.environ.get("LEDGER_DSN", "dbname=ledger user=ledger host=localhost")
CHUNK_SIZE = 1000


def month_totals(cur, month_start: date, month_end: date):
    """Net change per account for the month, in chunks."""
    cur.execute(  # ok: DB001
        "SELECT account_id, SUM(amount) FROM ledger_entries "
        "WHERE posted_at >= %s AND posted_at < %s GROUP BY account_id ORDER BY account_id",
        (month_start, month_end),
    )
    while True:
        rows = cur.fetchmany(CHUNK_SIZE)
        if not rows:
            break
        yield rows


def close_month(month_start: date, month_end: date) -> int:
    written = 0
    with closing(psycopg2.connect(DSN, connect_timeout=5)) as conn:
        with conn.cursor(name="month_totals") as read_cur, conn.cursor() as write_cur:
            try:
                write_cur.execute("INSERT INTO closed_months (month) VALUES (%s)", (month_start,))
            except psycopg2.errors.UniqueViolation:  # ok: ERR001
                logger.info("month %s is already closed, nothing to do", month_start)
                conn.rollback()
                return 0
            for chunk in month_totals(read_cur, month_start, month_end):
                execute_values(
                    write_cur,
                    "INSERT INTO monthly_balances (account_id, month, net_change) VALUES %s "
                    "ON CONFLICT (account_id, month) DO UPDATE SET net_change = EXCLUDED.net_change",
                    [(account_id, month_start, total) for account_id, total in chunk],
                )
                written += len(chunk)
        conn.commit()  # ok: DB003
    logger.info("month %s closed: %s account balances written", month_start, written)
    return written


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    this_month = date.today().replace(day=1)
    previous_month = (this_month - timedelta(days=1)).replace(day=1)
    close_month(previous_month, this_month)
