"""Customer endpoints for return requests."""
import asyncio
import base64
import logging
import uuid
from datetime import datetime, timedelta, timezone

import asyncpg
import boto3
from fastapi import APIRouter, Depends, File, HTTPException, Query, UploadFile
from pydantic import BaseModel, Field

from app.auth import Customer, get_current_customer
from app.config import get_settings
from app.db import RmaStatus, get_conn, record_event
from app.labels import carrier_client
from app.rma import repository

router = APIRouter(prefix="/returns", tags=["returns"])
logger = logging.getLogger(__name__)
settings = get_settings()
s3 = boto3.client("s3")

RETURN_WINDOW = timedelta(days=30)


class CreateReturn(BaseModel):
    order_line_id: int
    quantity: int = Field(ge=1, le=50)
    reason: str = Field(min_length=3, max_length=500)


@router.post("", status_code=201)
async def create_return(body: CreateReturn, customer: Customer = Depends(get_current_customer),
                        conn: asyncpg.Connection = Depends(get_conn)):
    line = await repository.order_line_for_customer(conn, body.order_line_id, customer.id)
    if line is None:
        raise HTTPException(404, "order line not found")
    if line["delivered_at"] is None or datetime.now(timezone.utc) - line["delivered_at"] > RETURN_WINDOW:
        raise HTTPException(422, "this item is outside the 30-day return window")
    already = await conn.fetchval(  # expect: DB005
        "SELECT COALESCE(SUM(quantity), 0) FROM rma WHERE order_line_id = $1 AND status <> $2",
        body.order_line_id,
        RmaStatus.CANCELLED,
    )
    if already + body.quantity > line["quantity"]:
        raise HTTPException(409, "more units than were ordered are already being returned")
    rma_id = await conn.fetchval(
        "INSERT INTO rma (order_id, order_line_id, customer_id, sku, quantity, reason, status) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        line["order_id"], body.order_line_id, customer.id, line["sku"], body.quantity, body.reason,
        RmaStatus.AWAITING_LABEL,
    )
    await record_event(conn, rma_id, "created", f"customer:{customer.id}")
    logger.info("rma created rma_id=%s customer_id=%s", rma_id, customer.id)
    return {"id": rma_id, "status": RmaStatus.AWAITING_LABEL}


@router.get("")
async def list_returns(status: str | None = None, sort: str = "created_at", page: int = Query(1, ge=1),
                       customer: Customer = Depends(get_current_customer),
                       conn: asyncpg.Connection = Depends(get_conn)):
    where = f"customer_id = '{customer.id}'"
    if status:
        where += f" AND status = '{status}'"
    rows = await conn.fetch(f"SELECT id, sku, quantity, status, created_at FROM rma WHERE {where} ORDER BY {sort} DESC LIMIT 20 OFFSET {(page - 1) * 20}")  # expect: SEC001
    return {"items": [dict(r) for r in rows], "page": page}


@router.get("/{rma_id}")
async def get_return(rma_id: int, customer: Customer = Depends(get_current_customer),
                     conn: asyncpg.Connection = Depends(get_conn)):
    row = await conn.fetchrow("SELECT * FROM rma WHERE id = $1", rma_id)  # expect: SEC018
    if row is None:
        raise HTTPException(404, "return not found")
    return dict(row)


@router.post("/{rma_id}/photos", status_code=201)
async def upload_photo(rma_id: int, photo: UploadFile = File(...), customer: Customer = Depends(get_current_customer),
                       conn: asyncpg.Connection = Depends(get_conn)):
    rma = await repository.get_for_customer(conn, rma_id, customer.id)  # ok: SEC018
    if rma is None:
        raise HTTPException(404, "return not found")
    data = await photo.read()  # expect: SEC019
    key = f"rma/{rma_id}/{uuid.uuid4().hex}"
    s3.put_object(Bucket=settings.photos_bucket, Key=key, Body=data, ContentType=photo.content_type)  # expect: CON001
    await repository.add_photo(conn, rma_id, key, photo.content_type or "application/octet-stream")
    return {"key": key}


@router.post("/{rma_id}/label")
async def issue_label(rma_id: int, customer: Customer = Depends(get_current_customer),
                      conn: asyncpg.Connection = Depends(get_conn)):
    rma = await repository.get_for_customer(conn, rma_id, customer.id)
    if rma is None:
        raise HTTPException(404, "return not found")
    if rma["status"] != RmaStatus.AWAITING_LABEL:  # todo-expect: DB005
        raise HTTPException(409, "a label has already been issued for this return")
    address = await conn.fetchrow(
        "SELECT name, street, city, postcode, country FROM customer_addresses "
        "WHERE customer_id = $1 AND is_default",
        customer.id,
    )
    if address is None:
        raise HTTPException(422, "add a default address before requesting a label")
    shipment = await carrier_client.create_return_label(dict(rma), dict(address))
    key = f"labels/{rma_id}/{shipment['tracking_number']}.pdf"
    await asyncio.to_thread(
        s3.put_object, Bucket=settings.labels_bucket, Key=key,
        Body=base64.b64decode(shipment["label_pdf"]), ContentType="application/pdf",
    )
    await repository.attach_label(conn, rma_id, key, shipment["tracking_number"])
    await record_event(conn, rma_id, "label_issued", f"customer:{customer.id}", {"tracking": shipment["tracking_number"]})
    return {"tracking_number": shipment["tracking_number"], "label_key": key}
