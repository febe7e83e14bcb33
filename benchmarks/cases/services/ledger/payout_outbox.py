"""Seller payout batches: claims pending payouts in batches and pays each one through Stripe."""
import argparse
import logging
import os

import psycopg
import stripe
from psycopg import sql

logger = logging.getLogger(__name__)

stripe.api_key = os.environ.get("STRIPE_SECRET_KEY", "")
DSN = os.environ.get("LEDGER_DSN", "dbname=ledger user=ledger host=localhost")
ORDERINGS = {"oldest": "created_at", "largest": "amount_cents"}


def claim_payouts(conn, currency: str, order: str = "oldest"):
    """Move a batch from pending to processing in one statement and return it."""
    query = sql.SQL(
        "UPDATE payouts SET status = 'processing', claimed_at = now() WHERE id IN ("
        "SELECT id FROM payouts WHERE status = 'pending' AND currency = %s "
        "ORDER BY {} LIMIT 500 FOR UPDATE SKIP LOCKED) "
        "RETURNING id, seller_id, stripe_account_id, amount_cents"
    ).format(sql.Identifier(ORDERINGS[order]))
    return conn.execute(query, (currency,)).fetchall()  # ok: SEC001


def pay(conn, payout_id, seller_id, account, amount_cents, currency):
    transfer = stripe.Transfer.create(  # ok: REL004, REL003
        amount=amount_cents,
        currency=currency,
        destination=account,
        metadata={"payout_id": payout_id, "seller_id": seller_id},
        idempotency_key=f"payout-{payout_id}",
    )
    conn.execute(
        "UPDATE payouts SET status = 'paid', stripe_transfer_id = %s, paid_at = now() WHERE id = %s",
        (transfer.id, payout_id),
    )
    return transfer.id


def run_payouts(currency: str, order: str) -> dict:
    sent = failed = 0
    with psycopg.connect(DSN, autocommit=True, connect_timeout=5) as conn:
        for payout_id, seller_id, account, amount_cents in claim_payouts(conn, currency, order):
            try:
                pay(conn, payout_id, seller_id, account, amount_cents, currency)
                sent += 1
            except stripe.error.StripeError:
                logger.exception("payout %s failed; left in processing for the retry sweep", payout_id)
                failed += 1
    return {"sent": sent, "failed": failed}


def main():
    parser = argparse.ArgumentParser(description="Send claimed seller payouts")
    parser.add_argument("--currency", default="usd")
    parser.add_argument("--order", choices=sorted(ORDERINGS), default="oldest")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    logger.info("payout run finished: %s", run_payouts(args.currency, args.order))


if __name__ == "__main__":
    main()
