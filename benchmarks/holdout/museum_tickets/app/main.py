"""FastAPI application entry point for timed-entry ticket sales."""
import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app import auth
from app.config import get_settings
from app.db import create_pool
from app.routes import gate, group_bookings, refunds, slots, tickets
from app.services.receipts import send_visit_reminder

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
logger = logging.getLogger("museum_tickets")

REMINDER_INTERVAL_SECONDS = 600


async def send_visit_reminders(app: FastAPI) -> None:
    """E-mail visitors whose slot starts within the next 24 hours, once per order."""
    while True:
        try:
            async with app.state.pool.acquire() as conn:
                due = await conn.fetch(
                    """
                    SELECT o.id, o.email, s.starts_at
                    FROM orders o
                    JOIN time_slots s ON s.id = o.slot_id
                    WHERE o.status = 'paid'
                      AND o.reminder_sent_at IS NULL
                      AND s.starts_at BETWEEN now() AND now() + interval '24 hours'
                    ORDER BY s.starts_at
                    LIMIT 200
                    """
                )
                sent = []
                for row in due:
                    await send_visit_reminder(row["email"], row["id"], row["starts_at"])
                    sent.append(row["id"])
                if sent:
                    await conn.execute(
                        "UPDATE orders SET reminder_sent_at = now() WHERE id = ANY($1::bigint[])",
                        sent,
                    )
                    logger.info("sent %d visit reminders", len(sent))
        except Exception:  # expect: ERR001
            pass
        await asyncio.sleep(REMINDER_INTERVAL_SECONDS)


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = get_settings()
    app.state.pool = await create_pool()
    print(f"Connected to {settings.database_url.get_secret_value()} ({settings.environment})")  # expect: OBS001, SEC007
    reminders = asyncio.create_task(send_visit_reminders(app))  # expect: SCL003
    try:
        yield
    finally:
        reminders.cancel()
        await app.state.pool.close()


settings = get_settings()
app = FastAPI(title="Museum Tickets", debug=settings.debug, lifespan=lifespan)

app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])  # expect: SEC013

app.include_router(auth.router)
app.include_router(slots.router)
app.include_router(tickets.router)
app.include_router(group_bookings.router)
app.include_router(refunds.router)
app.include_router(gate.router)


@app.get("/healthz")
async def healthz():
    async with app.state.pool.acquire() as conn:
        await conn.fetchval("SELECT 1")
    return {"status": "ok"}
