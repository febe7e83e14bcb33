"""Back-in-stock events sent to the storefront when returned items are restocked."""
import asyncio
import json
import logging
import urllib.request

import asyncpg
from fastapi import APIRouter, Depends, FastAPI, Query
from pydantic import BaseModel, Field

from app.auth import StaffMember, get_current_staff
from app.config import get_settings
from app.db import get_conn

router = APIRouter(prefix="/restock", tags=["restock"])
logger = logging.getLogger(__name__)
settings = get_settings()

_outbox: asyncio.Queue = asyncio.Queue(maxsize=10_000)


class RestockEvent(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=10_000)


def _post_json(url: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:  # expect: REL001
        return response.status


async def _drain_outbox() -> None:
    while True:
        event = await _outbox.get()
        try:
            status = _post_json(settings.storefront_restock_webhook, event)  # expect: CON001
            logger.info("restock event delivered sku=%s status=%s", event["sku"], status)
        except Exception:  # expect: ERR001
            pass
        finally:
            _outbox.task_done()


def start_notifier(app: FastAPI) -> None:
    app.state.notifier = asyncio.create_task(_drain_outbox())


@router.post("/events", status_code=202)
async def publish_restock(event: RestockEvent, staff: StaffMember = Depends(get_current_staff)):
    _outbox.put_nowait({"sku": event.sku, "warehouse": staff.warehouse, "quantity": event.quantity})  # expect: REL005
    return {"queued": True, "pending": _outbox.qsize()}


@router.get("/levels")
async def stock_levels(skus: list[str] = Query(..., max_length=100), staff: StaffMember = Depends(get_current_staff),
                       conn: asyncpg.Connection = Depends(get_conn)):
    rows = await conn.fetch(
        "SELECT sku, on_hand FROM stock WHERE warehouse = $1 AND sku = ANY($2::text[])",
        staff.warehouse,
        skus,
    )
    return {"levels": {r["sku"]: r["on_hand"] for r in rows}}
