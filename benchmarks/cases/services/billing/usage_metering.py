"""Usage metering for API plans: records billable units and bills overage at period end."""
import logging
import os
from datetime import datetime, timezone

import stripe
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth import require_service
from .db import get_session
from .models import Account, UsageMeter

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/usage")
stripe.api_key = os.environ.get("STRIPE_SECRET_KEY", "")


class UsageEvent(BaseModel):
    account_id: int
    units: int = Field(gt=0, le=1_000_000)


def _meter(session: Session, account_id: int) -> UsageMeter:
    meter = session.scalars(select(UsageMeter).where(UsageMeter.account_id == account_id)).first()
    if meter is None:
        raise HTTPException(status_code=404, detail="no meter for account")
    return meter


def _current_units(session: Session, account_id: int) -> int:
    return _meter(session, account_id).units


@router.post("/events", dependencies=[Depends(require_service)])
def record_usage(event: UsageEvent, session: Session = Depends(get_session)):
    current = _current_units(session, event.account_id)
    meter = _meter(session, event.account_id)
    meter.units = current + event.units  # expect: DB004
    meter.updated_at = datetime.now(timezone.utc)
    session.commit()
    return {"account_id": event.account_id, "units": meter.units}


def _charge_overage(account: Account, overage_units: int) -> str:
    invoice_item = stripe.InvoiceItem.create(
        customer=account.stripe_customer_id,
        amount=overage_units * account.plan.overage_cents_per_unit,
        currency=account.plan.currency,
        description=f"API overage: {overage_units} units",
    )
    return invoice_item.id


def _reset_meter(session: Session, meter: UsageMeter, invoice_item_id: str | None):
    meter.units = 0
    meter.last_invoice_item_id = invoice_item_id
    meter.period_started_at = datetime.now(timezone.utc)
    session.commit()


def close_period(session: Session, account: Account):
    """Called by the billing scheduler at the end of each account's period."""
    meter = _meter(session, account.id)
    overage = max(0, meter.units - account.plan.included_units)
    invoice_item_id = _charge_overage(account, overage) if overage else None  # todo-expect: REL004
    _reset_meter(session, meter, invoice_item_id)
    logger.info("closed usage period for account %s (overage %s)", account.id, overage)
