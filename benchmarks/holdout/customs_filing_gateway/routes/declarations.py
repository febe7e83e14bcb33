import logging
from datetime import datetime
from decimal import Decimal

import asyncpg
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from auth import Principal, current_principal, require_role
from db import get_conn, write_audit
from services import filing_client

log = logging.getLogger(__name__)
router = APIRouter(prefix="/declarations", tags=["declarations"])


class LineItem(BaseModel):
    hs_code: str = Field(pattern=r"^\d{6,10}$")
    description: str = Field(max_length=300)
    origin_country: str = Field(min_length=2, max_length=2)
    customs_value: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    quantity: int = Field(gt=0)


class DeclarationIn(BaseModel):
    reference: str = Field(max_length=40)
    consignee_name: str = Field(max_length=200)
    consignee_eori: str = Field(pattern=r"^[A-Z]{2}[0-9A-Z]{1,15}$")
    port_of_entry: str = Field(min_length=5, max_length=5)
    incoterm: str = Field(pattern=r"^(EXW|FCA|FOB|CIF|DAP|DDP)$")
    lines: list[LineItem] = Field(min_length=1, max_length=200)


@router.post("", status_code=201)
async def create_declaration(
    body: DeclarationIn,
    principal: Principal = Depends(require_role("filer")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    async with conn.transaction():
        declaration_id = await conn.fetchval(
            """
            INSERT INTO declarations (broker_id, reference, consignee_name, consignee_eori,
                                      port_of_entry, incoterm, status, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7)
            RETURNING id
            """,
            principal.broker_id, body.reference, body.consignee_name, body.consignee_eori,
            body.port_of_entry, body.incoterm, principal.user_id,
        )
        await conn.executemany(
            """
            INSERT INTO declaration_lines (declaration_id, line_no, hs_code, description,
                                           origin_country, customs_value, quantity)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            [(declaration_id, n, l.hs_code, l.description, l.origin_country, l.customs_value,
              l.quantity) for n, l in enumerate(body.lines, start=1)],
        )
        await write_audit(conn, principal.broker_id, principal.user_id, "declaration.created",
                          declaration_id)
    return {"id": declaration_id, "status": "draft"}


@router.get("")
async def list_declarations(
    sort: str = "created_at",
    principal: Principal = Depends(current_principal),
    conn: asyncpg.Connection = Depends(get_conn),
):
    query = "SELECT id, reference, status, consignee_name, created_at FROM declarations WHERE broker_id = $1"
    rows = await conn.fetch(f"{query} ORDER BY {sort} DESC", principal.broker_id)  # expect: SEC001, DB002
    return {"items": [dict(r) for r in rows]}


@router.get("/by-consignee")
async def by_consignee(
    name: str,
    principal: Principal = Depends(current_principal),
    conn: asyncpg.Connection = Depends(get_conn),
):
    rows = await conn.fetch(
        "SELECT id, reference, status, created_at FROM declarations "
        "WHERE broker_id = $1 AND lower(consignee_name) LIKE '%' || lower($2) || '%' "  # expect: DB006
        "ORDER BY created_at DESC LIMIT 50",
        principal.broker_id, name,
    )
    return {"items": [dict(r) for r in rows]}


@router.get("/{declaration_id}")
async def get_declaration(
    declaration_id: int,
    principal: Principal = Depends(current_principal),
    conn: asyncpg.Connection = Depends(get_conn),
):
    row = await conn.fetchrow("SELECT * FROM declarations WHERE id = $1", declaration_id)  # expect: SEC018
    if row is None:
        raise HTTPException(404, "declaration not found")
    lines = await conn.fetch(
        "SELECT line_no, hs_code, description, origin_country, customs_value, quantity "
        "FROM declaration_lines WHERE declaration_id = $1 ORDER BY line_no",
        declaration_id,
    )
    return {**dict(row), "lines": [dict(l) for l in lines]}


@router.post("/{declaration_id}/submit")
async def submit_declaration(
    declaration_id: int,
    principal: Principal = Depends(require_role("filer")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    status = await conn.fetchval(
        "SELECT status FROM declarations WHERE id = $1 AND broker_id = $2",
        declaration_id, principal.broker_id,
    )
    if status is None:
        raise HTTPException(404, "declaration not found")
    if status != "draft":
        raise HTTPException(409, f"declaration is already {status}")
    mrn = await filing_client.submit_declaration(conn, declaration_id)  # expect: DB005
    log.info("declaration %s submitted by %s at %s", declaration_id, principal.user_id,
             datetime.utcnow().isoformat())
    return {"id": declaration_id, "status": "submitted", "mrn": mrn}
