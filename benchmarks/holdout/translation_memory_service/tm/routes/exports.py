"""TMX export of an agency's memory for one language pair."""
import logging
import os
import re
from datetime import datetime, timezone
from xml.sax.saxutils import escape, quoteattr

import asyncpg
from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from tm.auth import Principal, require_scope
from tm.db import get_conn

router = APIRouter(prefix="/v1/exports", tags=["exports"])
log = logging.getLogger(__name__)

EXPORT_DIR = os.environ.get("TM_EXPORT_DIR", "/srv/tm/exports")
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")

EXPORT_SQL = """
SELECT source_text, target_text, updated_at, updated_by
FROM segments
WHERE agency_id = $1 AND source_lang = $2 AND target_lang = $3
ORDER BY id
"""


class ExportRequest(BaseModel):
    source_lang: str = Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    target_lang: str = Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    filename: str | None = Field(default=None, max_length=200)


def _tmx_document(rows, source_lang: str, target_lang: str) -> str:
    created = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<tmx version="1.4"><header creationtool="linguaworks-tm" creationtoolversion="2.8" '
        f'segtype="sentence" o-tmf="lw" adminlang="en" srclang={quoteattr(source_lang)} '
        f'datatype="plaintext" creationdate="{created}"/><body>',
    ]
    for row in rows:
        parts.append(
            f"<tu><tuv xml:lang={quoteattr(source_lang)}><seg>{escape(row['source_text'])}</seg></tuv>"
            f"<tuv xml:lang={quoteattr(target_lang)}><seg>{escape(row['target_text'])}</seg></tuv></tu>"
        )
    parts.append("</body></tmx>")
    return "\n".join(parts)


@router.post("")
async def create_export(
    body: ExportRequest,
    principal: Principal = Depends(require_scope("tm:export")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    rows = await conn.fetch(EXPORT_SQL, principal.agency_id, body.source_lang, body.target_lang)  # expect: DB002, RES003
    if not rows:
        raise HTTPException(404, "no segments for this language pair")
    document = _tmx_document(rows, body.source_lang, body.target_lang)

    name = body.filename or f"{body.source_lang}_{body.target_lang}.tmx"
    path = os.path.join(EXPORT_DIR, str(principal.agency_id), name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:  # expect: SEC015, SCL002
        fh.write(document)  # expect: CON001
    log.info("export written agency=%s pair=%s-%s segments=%d", principal.agency_id,
             body.source_lang, body.target_lang, len(rows))
    return {"download": f"/v1/exports/{os.path.basename(path)}", "segments": len(rows)}


@router.get("/{name}")
async def download_export(name: str, principal: Principal = Depends(require_scope("tm:export"))):
    if not SAFE_NAME.match(name):
        raise HTTPException(400, "invalid export name")
    path = os.path.join(EXPORT_DIR, str(principal.agency_id), name)  # ok: SEC015
    if not os.path.isfile(path):
        raise HTTPException(404, "export not found")
    return FileResponse(path, media_type="application/x-tmx+xml", filename=name)
