"""Gift vouchers: purchase, balance, redemption against a booking, printable card."""
import logging
import random
import string
from datetime import date, timedelta

from fastapi import APIRouter, Depends, Header, HTTPException, Request, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Principal, require_customer
from app.clients.payments import PaymentDeclined, PaymentsClient, PaymentsUnavailable, get_payments_client
from app.db import get_session
from app.models import Booking, GiftVoucher, VoucherRedemption
from app.settings import Settings, get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/vouchers", tags=["vouchers"])

CODE_ALPHABET = string.ascii_uppercase + string.digits
CARD_TEMPLATE = ('<!doctype html><html><head><link rel="stylesheet" href="/static/card.css"></head>'
                 '<body class="card"><h1>A gift for {recipient}</h1><p class="message">{message}</p>'
                 '<p class="code">{code}</p><p class="value">Worth &euro;{value:.2f}, valid until {expires}</p>'
                 '</body></html>')


class VoucherPurchase(BaseModel):
    amount_cents: int = Field(ge=1000, le=50000)
    recipient_name: str = Field(min_length=1, max_length=80)
    message: str = Field("", max_length=300)
    purchaser_email: EmailStr
    purchaser_phone: str | None = Field(None, max_length=32)
    payment_token: str = Field(min_length=8, max_length=128)


class RedeemIn(BaseModel):
    code: str = Field(min_length=14, max_length=14)
    booking_id: int
    amount_cents: int = Field(gt=0)


def new_code() -> str:
    return "-".join("".join(random.choices(CODE_ALPHABET, k=4)) for _ in range(3))  # expect: SEC010


@router.post("", status_code=status.HTTP_201_CREATED)
async def buy_voucher(body: VoucherPurchase, request: Request,
                      idempotency_key: str = Header(..., min_length=8, max_length=64),
                      session: AsyncSession = Depends(get_session),
                      payments: PaymentsClient = Depends(get_payments_client),
                      settings: Settings = Depends(get_settings)):
    log.info("voucher purchase request: %s", await request.json())  # expect: SEC007
    await session.execute(pg_insert(GiftVoucher).values(
        code=new_code(), initial_cents=body.amount_cents, balance_cents=body.amount_cents,
        recipient_name=body.recipient_name, message=body.message, purchaser_email=body.purchaser_email,
        purchaser_phone=body.purchaser_phone, status="pending_payment", purchase_key=idempotency_key,
        expires_on=date.today() + timedelta(days=settings.voucher_validity_days),
    ).on_conflict_do_nothing(index_elements=["purchase_key"]))
    await session.commit()
    voucher = await session.scalar(select(GiftVoucher).where(GiftVoucher.purchase_key == idempotency_key))
    if voucher.status == "pending_payment":
        try:
            charge = await payments.charge(amount_cents=voucher.initial_cents, currency=settings.currency,
                                           description=f"Gift voucher {voucher.id}",
                                           source_token=body.payment_token,
                                           idempotency_key=f"voucher-{voucher.id}")
        except PaymentDeclined as exc:
            raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, detail=str(exc))
        except PaymentsUnavailable:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="payment partner unavailable; retry")
        voucher.status, voucher.charge_id = "active", charge.id
        await session.commit()
        log.info("voucher %s sold for %s cents", voucher.id, voucher.initial_cents)
    return {"id": voucher.id, "code": voucher.code, "status": voucher.status,
            "expires_on": voucher.expires_on.isoformat()}


@router.get("/{code}")
async def voucher_balance(code: str, session: AsyncSession = Depends(get_session)):
    voucher = await session.scalar(select(GiftVoucher).where(GiftVoucher.code == code.upper()))
    if voucher is None or voucher.status != "active":
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="voucher not found")
    return {"code": voucher.code, "balance_cents": voucher.balance_cents,
            "expires_on": voucher.expires_on.isoformat()}


@router.post("/redeem")
async def redeem_voucher(body: RedeemIn, principal: Principal = Depends(require_customer),
                         session: AsyncSession = Depends(get_session)):
    booking = await session.scalar(select(Booking).where(
        Booking.id == body.booking_id, Booking.customer_id == principal.customer_id,
        Booking.status == "confirmed"))
    if booking is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="booking not found")
    voucher = await session.scalar(select(GiftVoucher).where(GiftVoucher.code == body.code.upper()))
    if voucher is None or voucher.status != "active" or voucher.expires_on < date.today():
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="voucher not found or expired")
    if voucher.balance_cents < body.amount_cents:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="voucher balance is too low")
    voucher.balance_cents -= body.amount_cents  # expect: DB004
    session.add(VoucherRedemption(voucher_id=voucher.id, booking_id=booking.id, amount_cents=body.amount_cents))
    await session.commit()
    log.info("voucher %s: %s cents redeemed on booking %s", voucher.id, body.amount_cents, booking.id)
    return {"code": voucher.code, "redeemed_cents": body.amount_cents, "balance_cents": voucher.balance_cents}


@router.get("/{code}/card", response_class=HTMLResponse)
async def printable_card(code: str, session: AsyncSession = Depends(get_session)):
    voucher = await session.scalar(select(GiftVoucher).where(GiftVoucher.code == code.upper()))
    if voucher is None or voucher.status != "active":
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="voucher not found")
    html = CARD_TEMPLATE.format(recipient=voucher.recipient_name, message=voucher.message,  # expect: SEC016
                                code=voucher.code, value=voucher.balance_cents / 100,
                                expires=voucher.expires_on.strftime("%d %B %Y"))
    return HTMLResponse(html)
