import asyncio
import contextvars
import logging
import uuid
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from tm.db import create_pool, healthcheck
from tm.routes import exports, imports, lookup, segments, upload_v1
from tm.settings import get_settings

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
for handler in logging.getLogger().handlers:
    handler.addFilter(RequestIdFilter())
log = logging.getLogger("tm")

UNBILLED_SQL = "SELECT id, agency_id, words, kind FROM usage_events WHERE billed_at IS NULL ORDER BY id LIMIT 500"


async def _push_usage_to_billing(app: FastAPI) -> None:
    settings = get_settings()
    headers = {"Authorization": f"Bearer {settings.billing_token.get_secret_value()}"}
    async with httpx.AsyncClient(base_url=settings.billing_url, headers=headers, timeout=10.0) as client:
        while True:  # ok: REL002
            try:
                async with app.state.pool.acquire() as conn:
                    rows = await conn.fetch(UNBILLED_SQL)
                    billed = []
                    for row in rows:
                        body = {"agency_id": row["agency_id"], "words": row["words"], "kind": row["kind"]}
                        resp = await client.post("/meter", json=body, headers={"Idempotency-Key": f"usage-{row['id']}"})
                        resp.raise_for_status()
                        billed.append(row["id"])
                    if billed:
                        await conn.execute("UPDATE usage_events SET billed_at = now() WHERE id = ANY($1::bigint[])", billed)
            except Exception:  # expect: ERR001
                pass
            await asyncio.sleep(60)


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.pool = await create_pool(get_settings())
    billing_task = asyncio.create_task(_push_usage_to_billing(app))  # expect: SCL003
    try:
        yield
    finally:
        billing_task.cancel()
        await app.state.pool.close()


app = FastAPI(title="Translation Memory API", version="2.8", lifespan=lifespan, debug=True)  # expect: SEC006
app.add_middleware(
    CORSMiddleware,
    allow_origins=get_settings().allowed_origins,  # ok: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "X-Api-Key", "Idempotency-Key"],
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


@app.exception_handler(HTTPException)
async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    return JSONResponse({"error": {"status": exc.status_code, "detail": exc.detail}}, status_code=exc.status_code)


@app.get("/healthz", include_in_schema=False)
async def healthz():
    ok = await healthcheck(app.state.pool)
    return JSONResponse({"status": "ok" if ok else "degraded"}, status_code=200 if ok else 503)


for router in (segments.router, lookup.router, upload_v1.router, imports.router, exports.router):
    app.include_router(router)
