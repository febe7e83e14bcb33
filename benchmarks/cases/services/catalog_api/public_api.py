"""Public read-only catalogue API used by partner storefront widgets."""
import logging
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

from .brand_directory import router as brands_router
from .db import engine
from .product_listing import pricing_client
from .product_listing import router as listing_router

logger = logging.getLogger(__name__)

app = FastAPI(  # ok: SEC006
    title="Public Catalogue API",
    version="1.4.0",
    debug=os.environ.get("CATALOG_DEBUG", "") == "1",
    docs_url=None,
)

app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # ok: SEC013
    allow_credentials=False,
    allow_methods=["GET"],
    allow_headers=["Accept", "Content-Type"],
    max_age=3600,
)
app.add_middleware(GZipMiddleware, minimum_size=1024)

app.include_router(brands_router, prefix="/public/v1")
app.include_router(listing_router, prefix="/public/v1")


@app.on_event("shutdown")
async def close_clients():
    await pricing_client.aclose()
    await engine.dispose()


@app.get("/healthz")
async def healthz():
    return {"status": "ok", "version": app.version}
