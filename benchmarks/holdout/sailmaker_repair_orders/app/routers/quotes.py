"""Quotes: staff price a repair, the customer reviews and accepts it."""
import logging

from arq import create_pool
from fastapi import APIRouter, Depends, File, HTTPException, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy import update
from sqlmodel import Session, select

from ..auth import current_user, require_staff
from ..config import get_settings, redis_settings
from ..db import get_session
from ..models import Customer, Quote, QuoteLine, RepairOrder
from ..services import storage

logger = logging.getLogger(__name__)
router = APIRouter(tags=["quotes"])


class QuoteLineIn(BaseModel):
    description: str = Field(max_length=200)
    cloth_code: str | None = None
    metres: float = Field(default=0, ge=0, le=200)
    hours: float = Field(default=0, ge=0, le=200)
    amount_pence: int = Field(ge=0)


class QuoteIn(BaseModel):
    lines: list[QuoteLineIn] = Field(min_length=1, max_length=40)


def _quote_for_customer(session: Session, quote_id: int, user: Customer) -> Quote:
    statement = (
        select(Quote)
        .join(RepairOrder, RepairOrder.id == Quote.order_id)
        .where(Quote.id == quote_id, RepairOrder.customer_id == user.id)  # ok: SEC018
    )
    quote = session.exec(statement).first()
    if quote is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Quote not found")
    return quote


@router.post("/orders/{order_id}/quotes", status_code=status.HTTP_201_CREATED)
def create_quote(order_id: int, body: QuoteIn, staff: Customer = Depends(require_staff), session: Session = Depends(get_session)):
    if session.get(RepairOrder, order_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Order not found")
    quote = Quote(
        order_id=order_id,
        labour_hours=sum(line.hours for line in body.lines),
        total_pence=sum(line.amount_pence for line in body.lines),
    )
    quote.lines = [QuoteLine(**line.model_dump()) for line in body.lines]
    session.add(quote)
    session.commit()
    logger.info("quote created quote_id=%s order_id=%s staff_id=%s", quote.id, order_id, staff.id)
    return {"id": quote.id, "total_pence": quote.total_pence}


@router.get("/quotes/{quote_id}")
def get_quote(quote_id: int, user: Customer = Depends(current_user), session: Session = Depends(get_session)):
    quote = _quote_for_customer(session, quote_id, user)
    pdf_url = storage.presigned_get(quote.pdf_key, f"quote-{quote.id}.pdf") if quote.pdf_key else None
    return {"id": quote.id, "status": quote.status, "total_pence": quote.total_pence, "pdf_url": pdf_url}


@router.post("/quotes/{quote_id}/accept", status_code=status.HTTP_202_ACCEPTED)
async def accept_quote(quote_id: int, user: Customer = Depends(current_user), session: Session = Depends(get_session)):
    def _accept() -> int:
        _quote_for_customer(session, quote_id, user)
        result = session.execute(
            update(Quote).where(Quote.id == quote_id, Quote.status == "sent").values(status="accepted")
        )
        session.commit()
        return result.rowcount

    if not await run_in_threadpool(_accept):
        raise HTTPException(status.HTTP_409_CONFLICT, "Quote already answered")
    redis = await create_pool(redis_settings())
    try:
        await redis.enqueue_job("charge_deposit", quote_id, _job_id=f"deposit-{quote_id}")
    finally:
        await redis.aclose()
    logger.info("quote accepted quote_id=%s customer_id=%s", quote_id, user.id)
    return {"status": "accepted"}


@router.post("/quotes/{quote_id}/pdf", status_code=status.HTTP_204_NO_CONTENT)
async def upload_quote_pdf(quote_id: int, file: UploadFile = File(...), staff: Customer = Depends(require_staff),
                           session: Session = Depends(get_session)):
    if file.content_type != "application/pdf" or (file.size or 0) > get_settings().max_photo_bytes:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "Upload a PDF under 15 MB")
    key = storage.new_key(f"quotes/{quote_id}", "application/pdf")
    await run_in_threadpool(storage.upload_stream, key, file.file, "application/pdf")  # ok: CON001

    def _attach() -> None:
        session.execute(update(Quote).where(Quote.id == quote_id).values(pdf_key=key))
        session.commit()

    await run_in_threadpool(_attach)
