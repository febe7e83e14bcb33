"""Weekly payouts to locksmiths for completed call-outs.

Run from cron on Monday morning: `flask --app callouts payouts run`.
"""
import logging
from datetime import date, datetime, time, timedelta, timezone

import click
import requests
from flask import Blueprint, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..models import Callout, Locksmith, Payout, db

logger = logging.getLogger(__name__)
bp = Blueprint("payouts", __name__, cli_group="payouts")

LOCKSMITH_SHARE = 0.8
COMMIT_EVERY = 50


def _week_bounds(today: date) -> tuple[str, datetime, datetime]:
    start = today - timedelta(days=today.weekday() + 7)
    iso = start.isocalendar()
    begin = datetime.combine(start, time.min, tzinfo=timezone.utc)
    return f"{iso.year}-W{iso.week:02d}", begin, begin + timedelta(days=7)


def _send_payout(session: requests.Session, token: str, amount_cents: int, key: str) -> str:
    resp = session.post(
        f"{current_app.config['PARTNER_PAY_BASE_URL']}/payouts",
        json={"destination": token, "amount": amount_cents, "currency": "gbp"},
        headers={"Idempotency-Key": key},  # ok: REL003
        timeout=(3.05, 15),
    )
    resp.raise_for_status()
    return resp.json()["id"]


@bp.cli.command("run")
@click.option("--dry-run", is_flag=True)
def run_payouts(dry_run: bool) -> None:
    week, begin, end = _week_bounds(date.today())
    totals = db.session.execute(
        select(Callout.locksmith_id, func.sum(Callout.fee_cents))
        .where(Callout.status == "completed", Callout.completed_at >= begin, Callout.completed_at < end)
        .group_by(Callout.locksmith_id)
    ).all()
    owed = {locksmith_id: int(total * LOCKSMITH_SHARE) for locksmith_id, total in totals}
    already_paid = set(db.session.scalars(select(Payout.locksmith_id).where(Payout.week == week)))
    locksmiths = db.session.execute(
        select(Locksmith).where(Locksmith.id.in_(set(owed) - already_paid)).options(selectinload(Locksmith.payout_account))
    ).scalars().all()

    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {current_app.config['PARTNER_PAY_API_KEY']}"
    paid = 0
    try:
        for n, locksmith in enumerate(locksmiths, start=1):
            account = locksmith.payout_account  # ok: DB001
            if account is None:
                logger.warning("locksmith=%s has no payout account, skipping week=%s", locksmith.id, week)
                continue
            amount = owed[locksmith.id]
            if dry_run:
                click.echo(f"{locksmith.name}: {amount / 100:.2f}")
                continue
            key = f"payout-{locksmith.id}-{week}"
            try:
                payout_id = _send_payout(http, account.partner_account_token, amount, key)
            except requests.RequestException:
                logger.exception("payout failed locksmith=%s week=%s", locksmith.id, week)
                continue
            db.session.add(Payout(locksmith_id=locksmith.id, week=week, amount_cents=amount,
                                  partner_payout_id=payout_id))
            paid += 1
            if n % COMMIT_EVERY == 0:
                db.session.commit()  # ok: DB003
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        logger.error("payouts for week=%s were already recorded; partner keys prevent double payment", week)
        raise
    finally:
        http.close()
    logger.info("payouts week=%s paid=%s of %s", week, paid, len(owed))
