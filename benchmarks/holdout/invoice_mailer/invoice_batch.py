"""Nightly batch that generates invoices for every billable account."""
import logging
from datetime import date

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .db import SessionLocal
from .models import Account, Invoice, UsageRecord
from .tasks import email_invoice

log = logging.getLogger(__name__)


def _usage_units(session: Session, account_id: int, start: date, end: date) -> int:
    total = (
        session.query(func.sum(UsageRecord.units))
        .filter(
            UsageRecord.account_id == account_id,
            UsageRecord.recorded_on >= start,
            UsageRecord.recorded_on < end,
        )
        .scalar()
    )
    return int(total or 0)


def generate_monthly_invoices(period_start: date, period_end: date) -> int:
    created: list[Invoice] = []
    with SessionLocal() as session:
        accounts = session.query(Account).filter(Account.billable.is_(True)).all()
        for account in accounts:
            units = _usage_units(session, account.id, period_start, period_end)  # expect: DB001
            invoice = Invoice(
                account_id=account.id,
                period_start=period_start,
                period_end=period_end,
                amount_cents=units * account.unit_price_cents + account.base_fee_cents,
            )
            try:
                with session.begin_nested():
                    session.add(invoice)
            except IntegrityError:  # ok: ERR001
                log.info("invoice for account %s and %s already exists", account.id, period_start)
                continue
            created.append(invoice)
        session.commit()  # ok: DB003

        for invoice in created:
            try:
                email_invoice.delay(invoice.id)
            except Exception:  # expect: ERR001
                pass

    log.info("generated %d invoices for %s", len(created), period_start)
    return len(created)
