"""Monthly mileage exports (CSV or XLSX) for fleet managers."""
import csv
import logging
import os
import subprocess
import uuid
from datetime import date

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse

from .deps import current_dispatcher, get_conn

logger = logging.getLogger("fleet.reports")
router = APIRouter(prefix="/v1/reports", tags=["reports"])

EXPORT_DIR = os.environ.get("EXPORT_DIR", "/var/lib/fleet/exports")
HEADER = ["plate", "recorded_at", "lat", "lon", "speed_kph"]

MILEAGE_SQL = """
    SELECT v.plate, p.recorded_at, p.lat, p.lon, p.speed_kph
    FROM positions p JOIN vehicles v ON v.id = p.vehicle_id
    WHERE v.fleet_id = $1 AND p.recorded_at >= $2 AND p.recorded_at < $3
    ORDER BY v.plate, p.recorded_at
"""


def _month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, end


def _write_csv(path: str, rows) -> int:
    fh = open(path, "w", newline="")  # expect: RES001
    writer = csv.writer(fh)
    writer.writerow(HEADER)
    count = 0
    for row in rows:
        writer.writerow([row["plate"], row["recorded_at"].isoformat(), row["lat"], row["lon"], row["speed_kph"]])
        count += 1
    fh.close()
    return count


def _convert_to_xlsx(csv_path: str) -> str:
    subprocess.run(  # ok: SEC002
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", EXPORT_DIR, csv_path],
        check=True, timeout=300, capture_output=True,
    )
    return csv_path[:-4] + ".xlsx"


@router.post("/mileage")
async def export_mileage(fleet_id: int, month: date, fmt: str = "csv", user: dict = Depends(current_dispatcher), conn=Depends(get_conn)):
    if fleet_id not in user["fleet_ids"]:  # ok: SEC018
        raise HTTPException(status_code=403, detail="not your fleet")
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(status_code=400, detail="fmt must be csv or xlsx")
    start, end = _month_bounds(month)
    rows = await conn.fetch(MILEAGE_SQL, fleet_id, start, end)  # expect: DB002
    report_name = f"mileage-{fleet_id}-{start:%Y-%m}-{uuid.uuid4().hex[:8]}"
    path = os.path.join(EXPORT_DIR, f"{report_name}.csv")
    count = _write_csv(path, rows)  # expect: CON001, SCL002
    if fmt == "xlsx":
        path = _convert_to_xlsx(path)  # expect: CON001
    logger.info("user %s exported %d rows for fleet %s (%s)", user["user_id"], count, fleet_id, os.path.basename(path))
    return {"rows": count, "download": f"/v1/reports/files?filename={os.path.basename(path)}"}


@router.get("/files")
async def download(filename: str, user: dict = Depends(current_dispatcher)):
    fleet_part = filename.split("-")[1] if filename.count("-") >= 2 else ""
    if not fleet_part.isdigit() or int(fleet_part) not in user["fleet_ids"]:
        raise HTTPException(status_code=404, detail="report not found")
    return FileResponse(os.path.join(EXPORT_DIR, filename), filename=filename)  # expect: SEC015
