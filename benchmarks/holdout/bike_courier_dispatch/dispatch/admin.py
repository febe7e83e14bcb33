"""Admin endpoints: delivery zone polygons, surcharge rules and courier trails."""
import csv
import io
import json
import logging
import shutil
import subprocess
import tempfile
from datetime import date, datetime, time, timezone
from pathlib import Path

import redis.asyncio as aioredis
from fastapi import APIRouter, Depends, HTTPException, UploadFile, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth import require_admin
from .db import get_db
from .models import Zone
from .pricing import parse_rule
from .settings import get_settings

log = logging.getLogger(__name__)
settings = get_settings()
router = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[Depends(require_admin)])
_redis = aioredis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=2, decode_responses=True)

MAX_KML_BYTES = 5 * 1024 * 1024


class SurchargeRule(BaseModel):
    expression: str = Field(min_length=1, max_length=300)
    sample_km: float = 3.0
    sample_kg: float = 2.0
    rush: bool = False
    hour: int = Field(17, ge=0, le=23)


@router.post("/zones/{city}/import")
def import_zone_polygons(city: str, upload: UploadFile, db: Session = Depends(get_db)):
    if upload.size is None or upload.size > MAX_KML_BYTES:
        raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "KML files are limited to 5 MB")
    with tempfile.TemporaryDirectory() as workdir:
        src = Path(workdir) / "zones.kml"
        with src.open("wb") as fh:
            shutil.copyfileobj(upload.file, fh, 1 << 20)
        out = Path(workdir) / "zones.geojson"
        subprocess.run(f"ogr2ogr -f GeoJSON -nln {city}_zones {out} {src}", shell=True, check=True, timeout=120)  # expect: SEC002
        features = json.loads(out.read_text())["features"]
    existing = {z.name: z for z in db.scalars(select(Zone).where(Zone.city == city))}
    for feature in features:
        name = feature["properties"].get("Name") or feature["properties"].get("name")
        zone = existing.get(name) or Zone(city=city, name=name)
        zone.polygon_geojson = json.dumps(feature["geometry"])
        db.add(zone)
    db.commit()
    log.info("imported %d zone polygons for %s", len(features), city)
    return {"city": city, "zones": len(features)}


@router.post("/zones/{zone_id}/surcharge/preview")
def preview_surcharge(zone_id: int, rule: SurchargeRule, db: Session = Depends(get_db)):
    if db.get(Zone, zone_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "zone not found")
    value = eval(rule.expression, {"km": rule.sample_km, "kg": rule.sample_kg, "rush": rule.rush, "hour": rule.hour})  # expect: SEC003
    return {"zone_id": zone_id, "surcharge_cents": int(value)}


@router.put("/zones/{zone_id}/surcharge")
def save_surcharge(zone_id: int, rule: SurchargeRule, db: Session = Depends(get_db)):
    zone = db.get(Zone, zone_id)
    if zone is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "zone not found")
    try:
        parse_rule(rule.expression)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc))
    zone.surcharge_expr = rule.expression
    db.commit()
    return {"zone_id": zone_id, "expression": zone.surcharge_expr}


@router.get("/couriers/{courier_id}/trail.csv")
async def courier_trail(courier_id: int, day: date):
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    start_ms = int(start.timestamp() * 1000)
    end_ms = start_ms + 24 * 3600 * 1000
    entries = await _redis.xrange(settings.pings_stream, min=f"{start_ms}-0", max=f"{end_ms}-0")  # expect: RES003
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["ts", "lat", "lng", "accuracy_m"])
    for _entry_id, fields in entries:
        if fields.get("courier_id") == str(courier_id):
            writer.writerow([fields["ts"], fields["lat"], fields["lng"], fields.get("acc", "")])
    return StreamingResponse(iter([buf.getvalue()]), media_type="text/csv",
                             headers={"Content-Disposition": f'attachment; filename="courier-{courier_id}-{day}.csv"'})
