import asyncio
import logging
import os
import uuid
from datetime import datetime, timezone
from typing import Optional

from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile

from fleet.auth import require_operator
from fleet.settings import get_http, get_pool, get_settings

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/incidents", tags=["incidents"], dependencies=[Depends(require_operator)])

SEVERITIES = {"low", "medium", "high", "critical"}


def _save_photo(incident_id: str, filename: str, data: bytes) -> str:
    folder = os.path.join(get_settings().incident_dir, incident_id)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, filename)  # expect: SEC015
    with open(path, "wb") as fh:  # expect: SCL002
        fh.write(data)
    return path


@router.post("", status_code=201)
async def report_incident(
    robot_id: str = Form(...),
    severity: str = Form(...),
    description: str = Form(..., max_length=4000),
    zone: str = Form(""),
    photo: Optional[UploadFile] = File(None),
    pool=Depends(get_pool),
    http=Depends(get_http),
    claims: dict = Depends(require_operator),
):
    if severity not in SEVERITIES:
        raise HTTPException(422, f"severity must be one of {sorted(SEVERITIES)}")
    incident_id = uuid.uuid4().hex
    photo_path = None
    if photo is not None and photo.filename:
        data = await photo.read()  # expect: SEC019
        photo_path = await asyncio.to_thread(_save_photo, incident_id, photo.filename, data)  # ok: CON001

    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO incidents (id, robot_id, severity, description, zone, photo_path, reported_by, reported_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            incident_id, robot_id, severity, description, zone, photo_path, claims["sub"], datetime.now(timezone.utc),
        )
    logger.info("incident %s (%s) reported for robot %s by %s", incident_id, severity, robot_id, claims["sub"])

    if severity in ("high", "critical"):
        await _page_on_call(http, incident_id, robot_id, severity, description)
    return {"id": incident_id, "severity": severity}


@router.get("")
async def list_incidents(robot_id: str = "", severity: str = "", pool=Depends(get_pool)):
    clauses = ["1=1"]
    if robot_id:
        clauses.append(f"robot_id = '{robot_id}'")
    if severity in SEVERITIES:
        clauses.append(f"severity = '{severity}'")
    sql = f"SELECT id, robot_id, severity, description, zone, reported_at FROM incidents WHERE {' AND '.join(clauses)} ORDER BY reported_at DESC LIMIT 100"
    async with pool.acquire() as conn:
        rows = await conn.fetch(sql)  # expect: SEC001
    return {"items": [dict(r) for r in rows]}


@router.get("/{incident_id}")
async def get_incident(incident_id: str, pool=Depends(get_pool)):
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM incidents WHERE id = $1", incident_id)  # ok: SEC001
    if row is None:
        raise HTTPException(404, "incident not found")
    return dict(row)


async def _page_on_call(http, incident_id: str, robot_id: str, severity: str, description: str) -> None:
    event = {
        "dedup_key": f"fleet-incident-{incident_id}",  # ok: REL003
        "event_action": "trigger",
        "payload": {"summary": f"[{severity}] robot {robot_id}: {description[:200]}", "source": "fleet-api", "severity": severity},
    }
    try:
        resp = await http.post(get_settings().pager_url, json=event)
        resp.raise_for_status()
    except Exception:
        logger.exception("paging on-call failed for incident %s", incident_id)
