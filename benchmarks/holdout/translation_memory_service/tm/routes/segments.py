"""CRUD over translation-memory segments."""
import logging

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field

from tm.auth import Principal, current_principal, require_scope
from tm.db import get_conn, record_to_dict

router = APIRouter(prefix="/v1/segments", tags=["segments"])
log = logging.getLogger(__name__)

LIST_SQL = """
SELECT id, source_text, target_text, project_code, revision, updated_at
FROM segments
WHERE agency_id = $1 AND source_lang = $2 AND target_lang = $3
ORDER BY updated_at DESC
"""
UPDATE_SQL = """
UPDATE segments
SET target_text = $1, revision = revision + 1, updated_at = now(), updated_by = $2
WHERE id = $3 AND agency_id = $4 AND revision = $5
RETURNING id, revision, updated_at
"""


UPLOAD_SEGMENTS_SQL = """
SELECT id, source_text, target_text, revision, updated_by, updated_at
FROM segments
WHERE agency_id = $1 AND upload_id = $2
ORDER BY id
LIMIT 200
"""


async def _editor_name(conn: asyncpg.Connection, subject: str | None) -> str | None:
    if not subject:
        return None
    return await conn.fetchval("SELECT display_name FROM translators WHERE subject = $1", subject)


class SegmentUpdate(BaseModel):
    target_text: str = Field(min_length=1, max_length=10_000)
    revision: int = Field(ge=0)


@router.get("")
async def list_segments(
    source_lang: str = Query(pattern=r"^[a-z]{2}(-[A-Z]{2})?$"),
    target_lang: str = Query(pattern=r"^[a-z]{2}(-[A-Z]{2})?$"),
    principal: Principal = Depends(current_principal),
    conn: asyncpg.Connection = Depends(get_conn),
):
    rows = await conn.fetch(LIST_SQL, principal.agency_id, source_lang, target_lang)  # expect: DB002
    return {"items": [record_to_dict(r) for r in rows], "count": len(rows)}


@router.get("/search")
async def search_segments(
    q: str = Query(min_length=2, max_length=200),
    lang: str = Query(default="en", max_length=5),
    principal: Principal = Depends(current_principal),
    conn: asyncpg.Connection = Depends(get_conn),
):
    sql = (
        "SELECT id, source_lang, target_lang, source_text, target_text FROM segments "
        f"WHERE agency_id = {principal.agency_id} AND source_lang = '{lang}' "
        f"AND source_text ILIKE '%{q}%' ORDER BY updated_at DESC LIMIT 50"
    )
    rows = await conn.fetch(sql)  # expect: SEC001, DB006
    return {"items": [record_to_dict(r) for r in rows]}


@router.get("/by-upload/{upload_id}")
async def segments_for_upload(
    upload_id: int,
    principal: Principal = Depends(current_principal),
    conn: asyncpg.Connection = Depends(get_conn),
):
    rows = await conn.fetch(UPLOAD_SEGMENTS_SQL, principal.agency_id, upload_id)
    items = []
    for row in rows:
        item = record_to_dict(row)
        item["edited_by"] = await _editor_name(conn, row["updated_by"])  # expect: DB001
        items.append(item)
    return {"items": items}


@router.get("/{segment_id}")
async def get_segment(
    segment_id: int,
    principal: Principal = Depends(current_principal),
    conn: asyncpg.Connection = Depends(get_conn),
):
    row = await conn.fetchrow("SELECT * FROM segments WHERE id = $1", segment_id)  # expect: SEC018
    if row is None:
        raise HTTPException(404, "segment not found")
    return record_to_dict(row)


@router.put("/{segment_id}")
async def update_segment(
    segment_id: int,
    body: SegmentUpdate,
    principal: Principal = Depends(require_scope("tm:write")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    args = (body.target_text, principal.subject, segment_id, principal.agency_id, body.revision)
    row = await conn.fetchrow(UPDATE_SQL, *args)  # ok: SEC018, DB004
    if row is None:
        raise HTTPException(409, "segment changed since it was loaded, or does not exist")
    log.info("segment %s updated to revision %s agency=%s", segment_id, row["revision"], principal.agency_id)
    return record_to_dict(row)


@router.delete("/{segment_id}")
async def delete_segment(
    segment_id: int,
    principal: Principal = Depends(require_scope("tm:write")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    status = await conn.execute("DELETE FROM segments WHERE id = $1 AND agency_id = $2", segment_id, principal.agency_id)
    if status == "DELETE 0":
        return {"deleted": False, "reason": "not found"}  # todo-expect: MNT001
    return {"deleted": True}
