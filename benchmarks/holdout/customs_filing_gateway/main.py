import asyncio
import logging
import uuid
from contextlib import asynccontextmanager
from contextvars import ContextVar

import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from db import create_pool
from routes import declaration_search, declarations, document_store, documents, gov_callbacks
from services import duty_ledger, duty_payments, tariff_lookup
from settings import get_settings
from workers.status_poller import poll_forever

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter(
        '{"ts":"%(asctime)s","level":"%(levelname)s","request_id":"%(request_id)s",'
        '"logger":"%(name)s","msg":"%(message)s"}'
    ))
    logging.basicConfig(level=level, handlers=[handler], force=True)


settings = get_settings()
configure_logging(settings.log_level)
log = logging.getLogger("customs")


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.pool = await create_pool(settings)
    app.state.redis = aioredis.from_url(
        settings.redis_url,
        socket_timeout=settings.redis_timeout,
        socket_connect_timeout=settings.redis_timeout,
    )
    app.state.poller = asyncio.create_task(poll_forever(app.state.pool, settings))  # expect: SCL003
    yield
    app.state.poller.cancel()
    await app.state.redis.aclose()
    await app.state.pool.close()


app = FastAPI(title="Brokerline customs filing gateway", version="3.4.0", lifespan=lifespan)
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"], allow_credentials=True,  # expect: SEC013
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
)


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


@app.exception_handler(Exception)
async def unhandled(request: Request, exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"error": "internal_error"}, status_code=500)


@app.get("/healthz")
async def healthz():
    async with app.state.pool.acquire() as conn:
        await conn.fetchval("SELECT 1")
    return {"status": "ok"}


for module in (declarations, declaration_search, documents, document_store,
               gov_callbacks, duty_ledger, duty_payments, tariff_lookup):
    app.include_router(module.router)
