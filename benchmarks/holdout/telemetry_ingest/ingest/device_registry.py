import json
import sqlite3
from contextlib import closing

from fastapi import APIRouter, Depends, HTTPException, Request

from ingest.device_auth import Device, authenticate_device
from ingest.settings import settings

router = APIRouter(prefix="/v1/devices", tags=["devices"])

_profiles: dict[str, dict] = {}


def _model_profile(model_code: str) -> dict | None:
    with closing(sqlite3.connect(settings.model_catalog_path)) as conn:  # ok: RES001
        row = conn.execute(
            "SELECT vendor, metrics_json, sample_rate_hz, max_batch FROM models WHERE model_code = ?",  # ok: SEC001
            (model_code,),
        ).fetchone()
    if row is None:
        return None
    return {
        "model": model_code,
        "vendor": row[0],
        "metrics": json.loads(row[1]),
        "sample_rate_hz": row[2],
        "max_batch": row[3],
    }


@router.get("/{device_id}/profile")
async def device_profile(device_id: str, request: Request, device: Device = Depends(authenticate_device)):
    if device.id != device_id:
        raise HTTPException(status_code=403, detail="devices may only read their own profile")
    profile = _profiles.get(device_id)
    if profile is None:
        model_code = await request.app.state.pool.fetchval("SELECT model_code FROM devices WHERE device_id = $1", device_id)
        profile = _model_profile(model_code)  # expect: CON001
        if profile is None:
            raise HTTPException(status_code=404, detail="no profile for this device model")
        _profiles[device_id] = profile  # expect: RES002
    return profile
