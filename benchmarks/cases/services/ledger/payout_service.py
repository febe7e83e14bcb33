"""Weekly seller payouts: sends the balance owed to each connected Stripe account."""
import argparse
import logging
import os

import psycopg
import stripe

logger = logging.getLogger(__name__)

stripe.api_key = os.environ.get("STRIPE_SECRET_KEY", "")
DSN = os.environ.get("LEDGER_DSN", "dbname=ledger user=ledger host=localhost")


def pending_payouts(conn, currency: str, status: str = "pending"):
    query = (
        "SELECT id, seller_id, stripe_account_id, amount_cents FROM payouts "
        "WHERE status = '{}' AND currency = '{}' ORDER BY id LIMIT 500".format(status, currency)
    )
    return conn.execute(query).fetchall()  # expect: SEC001


def run_payouts(currency: str) -> dict:
    sent = skipped = 0
    with psycopg.connect(DSN, autocommit=True, connect_timeout=5) as conn:
        for payout_id, seller_id, account, amount_cents in pending_payouts(conn, currency):
            if amount_cents < 100:
                skipped += 1
                continue
            transfer = stripe.Transfer.create(  # expect: REL004
                amount=amount_cents,
                currency=currency,
                destination=account,
                metadata={"payout_id": payout_id, "seller_id": seller_id},
            )
            conn.execute(
                "UPDATE payouts SET status = 'paid', stripe_transfer_id = %s, paid_at = now() WHERE id = %s",
                (transfer.id, payout_id),
            )
            sent += 1
            logger.info("payout %s sent to seller %s (%s %s)", payout_id, seller_id, amount_cents, currency)
    return {"sent": sent, "skipped": skipped}


def main():
    parser = argparse.ArgumentParser(description="Send pending seller payouts")
    parser.add_argument("--currency", default="usd")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    result = run_payouts(args.currency)
    logger.info("payout run finished: %s", result)


if __name__ == "__main__":
    main()
