"""Catalogue API application: routers, middleware and startup wiring."""
import logging
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

from .brand_directory import router as brands_router
from .category_tree import router as navigation_router
from .db import engine
from .image_cache import router as images_router
from .product_search import router as search_router

logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
logger = logging.getLogger(__name__)

app = FastAPI(title="Catalogue API", version="2.3.0", debug=True)  # expect: SEC006

app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["*"],
)
app.add_middleware(GZipMiddleware, minimum_size=1024)

for router in (brands_router, navigation_router, images_router, search_router):
    app.include_router(router, prefix="/v1")


@app.on_event("shutdown")
async def dispose_engine():
    await engine.dispose()


@app.get("/healthz")
async def healthz():
    return {"status": "ok", "version": app.version}
