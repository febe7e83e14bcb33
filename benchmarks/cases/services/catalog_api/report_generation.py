"""Catalogue export endpoints: merchants request a CSV of their products and download it later."""
import csv
import logging
import os
import threading
import uuid

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse
from sqlalchemy import select

from .auth import current_merchant
from .db import SyncSessionLocal
from .models import Product

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/exports")

EXPORT_DIR = os.environ.get("EXPORT_DIR", "/srv/exports")
COLUMNS = ["sku", "name", "brand_slug", "category_slug", "list_price_cents", "stock"]


def _write_export(merchant_id: int, path: str):
    with SyncSessionLocal() as session, open(path, "w", newline="") as fh:  # todo-expect: SCL002
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        rows = session.scalars(select(Product).where(Product.merchant_id == merchant_id).execution_options(yield_per=1000))
        for product in rows:
            writer.writerow([getattr(product, column) for column in COLUMNS])
    logger.info("export for merchant %s written to %s", merchant_id, path)


@router.post("", status_code=202)
def request_export(merchant=Depends(current_merchant)):
    export_id = uuid.uuid4().hex
    path = os.path.join(EXPORT_DIR, f"{merchant.id}-{export_id}.csv")
    with open(path + ".pending", "w") as marker:  # expect: SCL002
        marker.write(export_id)
    worker = threading.Thread(target=_write_export, args=(merchant.id, path))  # expect: CON003
    worker.start()
    return {"export_id": export_id, "download": f"/v1/exports/{merchant.id}-{export_id}.csv"}


@router.get("/{filename}")
def download_export(filename: str, merchant=Depends(current_merchant)):
    if not filename.startswith(f"{merchant.id}-"):
        raise HTTPException(status_code=404, detail="export not found")
    path = f"{EXPORT_DIR}/{filename}"
    if not os.path.exists(path):
        raise HTTPException(status_code=404, detail="export not ready")
    return FileResponse(path, media_type="text/csv", filename=filename)  # expect: SEC015
