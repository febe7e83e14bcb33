"""Taproom API: tabs, pours, loyalty, purchasing and reports."""
import asyncio
import logging
import os
import uuid
from contextlib import asynccontextmanager
from contextvars import ContextVar

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import update

from taproom.age import age_check, age_verification
from taproom.db import SessionLocal, close_pools, open_pools
from taproom.loyalty import cards, ledger
from taproom.models import Keg
from taproom.purchasing import supplier_orders
from taproom.reports import sales_export, tap_stats
from taproom.tabs import pours, routes as tab_routes

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


_handler = logging.StreamHandler()
_handler.addFilter(RequestIdFilter())
logging.basicConfig(level=logging.INFO, handlers=[_handler],
                    format="%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s")
log = logging.getLogger("taproom")

SENSOR_HUB_URL = os.environ.get("KEG_SENSOR_HUB_URL", "http://keg-sensors.cellar.local")


async def _poll_keg_sensors() -> None:
    async with httpx.AsyncClient(base_url=SENSOR_HUB_URL, timeout=5.0) as client:
        while True:
            try:
                resp = await client.get("/readings")
                resp.raise_for_status()
                with SessionLocal() as session:
                    for reading in resp.json()["kegs"]:
                        session.execute(  # expect: CON001
                            update(Keg)
                            .where(Keg.id == reading["keg_id"])
                            .values(remaining_ml=reading["remaining_ml"])
                        )
                    session.commit()
            except Exception:  # expect: ERR001
                pass
            await asyncio.sleep(30)


@asynccontextmanager
async def lifespan(app: FastAPI):
    open_pools()
    poller = asyncio.create_task(_poll_keg_sensors())  # expect: SCL003
    yield
    poller.cancel()
    close_pools()


app = FastAPI(title="Taproom", lifespan=lifespan, debug=os.environ.get("TAPROOM_DEBUG") == "1")  # ok: SEC006
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])  # expect: SEC013


@app.middleware("http")
async def bind_request_id(request: Request, call_next):
    rid = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    token = request_id_var.set(rid)
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["X-Request-ID"] = rid
    return response


for module in (tab_routes, pours, age_check, age_verification, cards, ledger,
               supplier_orders, sales_export, tap_stats):
    app.include_router(module.router)


@app.get("/healthz", include_in_schema=False)
def healthz() -> dict:
    return {"status": "ok"}
