import asyncio
import logging
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app import dropoffs, pickups, reservations, storage_fees
from app.db import engine
from app.door_client import close_client
from app.mqtt_listener import start_listener
from app.storage_fees import accrue_overdue_fees

logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
logger = logging.getLogger("courier_lockers")

app = FastAPI(
    title="Courier Lockers",
    debug=os.environ.get("APP_DEBUG", "0") == "1",  # ok: SEC006
)

app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"], allow_credentials=True,  # expect: SEC013
    allow_methods=["GET", "POST", "DELETE"],
    allow_headers=["Authorization", "Content-Type"],
)

app.include_router(reservations.router, prefix="/reservations", tags=["reservations"])
app.include_router(pickups.router, prefix="/parcels", tags=["pickups"])
app.include_router(dropoffs.router, prefix="/dropoffs", tags=["dropoffs"])
app.include_router(storage_fees.router, prefix="/fees", tags=["fees"])

FEE_SWEEP_SECONDS = int(os.environ.get("FEE_SWEEP_SECONDS", "900"))


async def _fee_sweep_loop() -> None:
    while True:
        try:
            updated = await accrue_overdue_fees()
            logger.info("fee sweep updated %d parcels", updated)
        except Exception:
            logger.exception("fee sweep failed")
        await asyncio.sleep(FEE_SWEEP_SECONDS)


@app.on_event("startup")
async def on_startup() -> None:
    start_listener()  # ok: CON003
    asyncio.create_task(_fee_sweep_loop())  # expect: SCL003


@app.on_event("shutdown")
async def on_shutdown() -> None:
    await close_client()
    await engine.dispose()


@app.get("/health")
async def health() -> dict:
    return {"status": "ok"}
