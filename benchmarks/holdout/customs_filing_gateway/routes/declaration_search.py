import logging
from datetime import datetime

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Query

from auth import Principal, current_principal, require_role
from db import get_conn
from services import filing_submitter

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v2/declarations", tags=["declarations-v2"])

SORTABLE = {"created_at": "created_at", "reference": "reference", "status": "status"}
PAGE_MAX = 100


@router.get("")
async def list_declarations(
    sort: str = Query("created_at"),
    before_id: int | None = None,
    limit: int = Query(50, ge=1, le=PAGE_MAX),
    principal: Principal = Depends(current_principal),
    conn: asyncpg.Connection = Depends(get_conn),
):
    column = SORTABLE.get(sort)
    if column is None:
        raise HTTPException(422, f"sort must be one of {sorted(SORTABLE)}")
    query = (
        "SELECT id, reference, status, consignee_name, created_at FROM declarations "
        "WHERE broker_id = $1 AND ($2::bigint IS NULL OR id < $2) "
        f"ORDER BY {column} DESC, id DESC LIMIT $3"  # ok: SEC001
    )
    rows = await conn.fetch(query, principal.broker_id, before_id, limit)  # ok: DB002
    next_cursor = rows[-1]["id"] if len(rows) == limit else None
    return {"items": [dict(r) for r in rows], "next_before_id": next_cursor}


@router.get("/search")
async def search_by_reference(
    prefix: str = Query(min_length=3, max_length=40),
    principal: Principal = Depends(current_principal),
    conn: asyncpg.Connection = Depends(get_conn),
):
    # served by idx_declarations_broker_reference (broker_id, reference text_pattern_ops)
    rows = await conn.fetch(
        "SELECT id, reference, status, created_at FROM declarations "
        "WHERE broker_id = $1 AND reference LIKE $2 || '%' ORDER BY reference LIMIT 25",  # ok: DB006
        principal.broker_id, prefix.replace("%", "").replace("_", r"\_"),
    )
    return {"items": [dict(r) for r in rows]}


@router.get("/{declaration_id}")
async def get_declaration(
    declaration_id: int,
    principal: Principal = Depends(current_principal),
    conn: asyncpg.Connection = Depends(get_conn),
):
    row = await conn.fetchrow(  # ok: SEC018, DB001
        """
        SELECT d.id, d.reference, d.status, d.consignee_name, d.consignee_eori, d.port_of_entry,
               d.incoterm, d.gov_mrn, d.created_at,
               coalesce(json_agg(l ORDER BY l.line_no) FILTER (WHERE l.id IS NOT NULL), '[]') AS lines
        FROM declarations d
        LEFT JOIN declaration_lines l ON l.declaration_id = d.id
        WHERE d.id = $1 AND d.broker_id = $2
        GROUP BY d.id
        """,
        declaration_id, principal.broker_id,
    )
    if row is None:
        raise HTTPException(404, "declaration not found")
    return dict(row)


@router.post("/{declaration_id}/submit", status_code=202)
async def submit_declaration(
    declaration_id: int,
    principal: Principal = Depends(require_role("filer")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    claimed = await conn.fetchrow(  # ok: DB005
        """
        UPDATE declarations
        SET status = 'submitting', submission_key = coalesce(submission_key, gen_random_uuid()),
            submitted_by = $3, submitted_at = now()
        WHERE id = $1 AND broker_id = $2 AND status = 'draft'
        RETURNING id, submission_key
        """,
        declaration_id, principal.broker_id, principal.user_id,
    )
    if claimed is None:
        raise HTTPException(409, "declaration is not a draft or does not exist")
    outcome = await filing_submitter.file_declaration(conn, claimed["id"], str(claimed["submission_key"]))
    log.info("declaration %s filing outcome %s (user %s, %s)", declaration_id, outcome,
             principal.user_id, datetime.utcnow().isoformat())
    return {"id": declaration_id, "status": outcome}
