"""Warehouse inspection queue, inspection results and rejections."""
import logging

import asyncpg
import httpx
from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field

from app.auth import StaffMember, get_current_staff, require_role
from app.config import Settings, get_settings
from app.db import RmaStatus, get_conn, get_http, record_event
from app.labels.label_service import LabelRejected, ship_back_rejected_item

router = APIRouter(prefix="/inspections", tags=["inspections"])
logger = logging.getLogger(__name__)

RESTOCKABLE_GRADES = {"A", "B"}


class InspectedItem(BaseModel):
    sku: str
    quantity: int = Field(ge=1, le=100)
    grade: str = Field(pattern="^(A|B|C|scrap)$")


class InspectionResult(BaseModel):
    rma_id: int
    items: list[InspectedItem] = Field(min_length=1, max_length=50)
    notes: str = Field(default="", max_length=2000)


@router.get("/queue")
async def inspection_queue(limit: int = Query(50, ge=1, le=200), staff: StaffMember = Depends(get_current_staff),
                           conn: asyncpg.Connection = Depends(get_conn)):
    rows = await conn.fetch(
        "SELECT id, sku, quantity, reason, received_at FROM rma "
        "WHERE status = $1 AND warehouse = $2 ORDER BY received_at LIMIT $3",
        RmaStatus.RECEIVED,
        staff.warehouse,
        limit,
    )
    queue = []
    for row in rows:
        photos = await conn.fetch("SELECT s3_key FROM rma_photos WHERE rma_id = $1", row["id"])  # expect: DB001
        queue.append({**dict(row), "photos": [p["s3_key"] for p in photos]})
    return {"items": queue}


@router.post("")
async def record_inspection(body: InspectionResult, staff: StaffMember = Depends(get_current_staff),
                            conn: asyncpg.Connection = Depends(get_conn)):
    assert staff.role in ("inspector", "lead"), "only inspectors can record results"  # expect: SEC017
    rma = await conn.fetchrow(
        "SELECT id, status FROM rma WHERE id = $1 AND warehouse = $2", body.rma_id, staff.warehouse
    )
    if rma is None or rma["status"] != RmaStatus.RECEIVED:
        raise HTTPException(409, "return is not waiting for inspection")
    try:
        async with conn.transaction():
            claimed = await conn.fetchval(
                "UPDATE rma SET status = $2, inspection_notes = $3, updated_at = now() "
                "WHERE id = $1 AND status = $4 RETURNING id",
                body.rma_id, RmaStatus.INSPECTED, body.notes, RmaStatus.RECEIVED,
            )
            if claimed is None:
                raise RuntimeError("return was inspected by someone else")
            for item in body.items:
                if item.grade in RESTOCKABLE_GRADES:
                    stock = await conn.fetchrow(
                        "SELECT on_hand FROM stock WHERE sku = $1 AND warehouse = $2", item.sku, staff.warehouse
                    )
                    new_on_hand = stock["on_hand"] + item.quantity  # expect: DB004
                    await conn.execute(
                        "UPDATE stock SET on_hand = $1 WHERE sku = $2 AND warehouse = $3",
                        new_on_hand, item.sku, staff.warehouse,
                    )
                await conn.execute(
                    "INSERT INTO inspection_items (rma_id, sku, quantity, grade, inspector_id) VALUES ($1, $2, $3, $4, $5)",
                    body.rma_id, item.sku, item.quantity, item.grade, staff.id,
                )
            await record_event(conn, body.rma_id, "inspected", f"staff:{staff.id}")
    except Exception as exc:
        logger.error(f"inspection failed for rma {body.rma_id}: {exc}")  # expect: OBS002
        return {"rma_id": body.rma_id, "status": "recorded"}  # expect: ERR002
    return {"rma_id": body.rma_id, "status": RmaStatus.INSPECTED}


@router.post("/{rma_id}/reject")
async def reject_return(rma_id: int, staff: StaffMember = Depends(require_role("lead")),  # ok: SEC017
                        conn: asyncpg.Connection = Depends(get_conn), http: httpx.AsyncClient = Depends(get_http),
                        settings: Settings = Depends(get_settings)):
    rma = await conn.fetchrow(
        "UPDATE rma SET status = $3, updated_at = now() WHERE id = $1 AND warehouse = $2 AND status = $4 "
        "RETURNING id, sku, customer_id",
        rma_id, staff.warehouse, RmaStatus.REJECTED, RmaStatus.INSPECTED,
    )
    if rma is None:
        raise HTTPException(409, "return is not in an inspected state")
    address = await conn.fetchrow(
        "SELECT name, street, city, postcode, country FROM customer_addresses WHERE customer_id = $1 AND is_default",
        rma["customer_id"],
    )
    try:
        if address is None:
            raise LabelRejected("customer has no default address")
        tracking = await ship_back_rejected_item(http, conn, settings, rma, address, actor=f"staff:{staff.id}")
    except Exception as exc:
        await conn.execute(
            "UPDATE rma SET status = $2, updated_at = now() WHERE id = $1 AND status = $3",
            rma_id, RmaStatus.INSPECTED, RmaStatus.REJECTED,
        )
        if isinstance(exc, LabelRejected):
            logger.warning("ship-back label rejected rma_id=%s: %s", rma_id, exc)
            raise HTTPException(422, f"carrier rejected the shipment: {exc}")
        logger.exception("ship-back failed rma_id=%s", rma_id)
        raise HTTPException(503, "carrier unavailable, please retry")
    return {"rma_id": rma_id, "status": RmaStatus.REJECTED, "tracking_number": tracking}
