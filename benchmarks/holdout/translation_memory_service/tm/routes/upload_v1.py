"""Legacy TMX upload endpoint still used by the desktop CAT plug-in."""
import logging
import uuid

import asyncpg
import boto3
from defusedxml import ElementTree
from fastapi import APIRouter, BackgroundTasks, Depends, File, HTTPException, Request, UploadFile

from tm.auth import Principal, require_scope
from tm.db import get_conn
from tm.settings import get_settings

router = APIRouter(prefix="/v1/tm", tags=["upload-v1"])
log = logging.getLogger(__name__)

_s3 = boto3.client("s3", region_name=get_settings().s3_region)

INSERT_SEGMENT_SQL = """
INSERT INTO segments (agency_id, upload_id, source_lang, target_lang, source_text, target_text, source_hash)
VALUES ($1, $2, $3, $4, $5, $6, encode(sha1(convert_to($5, 'UTF8')), 'hex'))
ON CONFLICT (agency_id, source_lang, target_lang, source_hash) DO UPDATE SET target_text = EXCLUDED.target_text
"""


def parse_tmx(data: bytes) -> list[tuple[str, str, str, str]]:
    root = ElementTree.fromstring(data)
    header_lang = root.find("header").get("srclang", "en")
    units = []
    for tu in root.iter("tu"):
        variants = {}
        for tuv in tu.findall("tuv"):
            lang = tuv.get("{http://www.w3.org/XML/1998/namespace}lang") or tuv.get("lang")
            seg = tuv.find("seg")
            if lang and seg is not None and seg.text:
                variants[lang] = seg.text.strip()
        source = variants.pop(header_lang, None)
        for target_lang, target_text in variants.items():
            if source:
                units.append((header_lang, target_lang, source, target_text))
    return units


def _archive_original(agency_id: int, data: bytes) -> str:
    key = f"uploads/{agency_id}/{uuid.uuid4().hex}.tmx"
    _s3.put_object(Bucket=get_settings().s3_bucket, Key=key, Body=data, ContentType="application/x-tmx+xml")
    return key


async def _index_units(pool: asyncpg.Pool, agency_id: int, upload_id: int, units: list) -> None:
    async with pool.acquire() as conn:
        async with conn.transaction():
            await conn.executemany(INSERT_SEGMENT_SQL, [(agency_id, upload_id, *u) for u in units])
            await conn.execute("UPDATE uploads SET status = 'indexed', indexed_at = now() WHERE id = $1", upload_id)
    log.info("indexed upload=%s agency=%s units=%d", upload_id, agency_id, len(units))


@router.post("/upload", status_code=202)
async def upload_tmx(
    request: Request,
    background: BackgroundTasks,
    file: UploadFile = File(...),
    principal: Principal = Depends(require_scope("tm:write")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    data = await file.read()  # expect: SEC019
    try:
        units = parse_tmx(data)  # expect: CON001
    except ElementTree.ParseError:
        raise HTTPException(422, "file is not valid TMX")
    if not units:
        raise HTTPException(422, "no translation units found")

    key = _archive_original(principal.agency_id, data)  # expect: CON001
    upload_id = await conn.fetchval(
        "INSERT INTO uploads (agency_id, s3_key, original_name, status, unit_count) "
        "VALUES ($1, $2, $3, 'queued', $4) RETURNING id",
        principal.agency_id, key, file.filename, len(units),
    )
    background.add_task(_index_units, request.app.state.pool, principal.agency_id, upload_id, units)  # expect: REL005
    log.info("accepted upload=%s agency=%s units=%d", upload_id, principal.agency_id, len(units))
    return {"upload_id": upload_id, "status": "queued", "units": len(units)}
