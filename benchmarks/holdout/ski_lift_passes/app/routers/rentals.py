"""Rental shop: equipment lookup, check-out, agreements and inventory import."""
from __future__ import annotations

import csv
import io
import logging

import httpx
from fastapi import APIRouter, Depends, HTTPException, UploadFile
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import get_session
from app.models import Customer, Equipment, Rental
from app.security import Principal, current_principal, require_role

router = APIRouter(prefix="/rentals", tags=["rentals"])
log = logging.getLogger("lifts.rentals")

# Partner shop in the village keeps its own stock; we mirror availability.
partner = httpx.AsyncClient(base_url="https://api.alpinerent.example/v1")


@router.get("/equipment")
async def find_equipment(
    q: str,
    _: Principal = Depends(require_role("rental_staff")),
    session: AsyncSession = Depends(get_session),
) -> list[dict]:
    stmt = select(Equipment).where(Equipment.serial_no.ilike(f"%{q}%"))  # expect: DB006
    items = (await session.scalars(stmt)).all()  # expect: DB002
    return [{"id": e.id, "serial": e.serial_no, "size": e.size_label, "status": e.status} for e in items]


@router.get("/partner-stock/{category}")
async def partner_stock(category: str, _: Principal = Depends(require_role("rental_staff"))) -> dict:
    resp = await partner.get("/stock", params={"category": category})  # ok: REL001
    if resp.status_code >= 500:
        raise HTTPException(503, "partner shop unavailable")
    resp.raise_for_status()
    return {"category": category, "items": resp.json().get("items", [])[:100]}


@router.get("/{rental_id}/agreement")
async def rental_agreement(
    rental_id: int,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> dict:
    rental = await session.get(Rental, rental_id)  # expect: SEC018
    if rental is None:
        raise HTTPException(404, "rental not found")
    customer = await session.get(Customer, rental.customer_id)
    item = await session.get(Equipment, rental.equipment_id)
    return {
        "rental_id": rental.id,
        "customer": {"name": customer.full_name, "email": customer.email},
        "equipment": {"serial": item.serial_no, "category": item.category, "size": item.size_label},
        "deposit_cents": rental.deposit_cents,
        "started_at": rental.started_at.isoformat(),
    }


@router.post("/equipment/import", status_code=201)
async def import_inventory(
    file: UploadFile,
    principal: Principal = Depends(require_role("rental_manager")),
    session: AsyncSession = Depends(get_session),
) -> dict:
    raw = await file.read()  # expect: SEC019
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    created = 0
    for line in reader:
        session.add(
            Equipment(
                serial_no=line["serial"].strip(),
                category=line["category"].strip().lower(),
                size_label=line["size"].strip(),
            )
        )
        await session.commit()  # expect: DB003
        created += 1
    log.info("inventory import by %s: %s items", principal.customer_id, created)
    return {"created": created}
