import csv
import io
import uuid
from datetime import date

import boto3
from fastapi import APIRouter, Depends, HTTPException, Query, Request

from ingest.device_auth import TenantUser, tenant_user
from ingest.settings import settings

router = APIRouter(prefix="/v1", tags=["readings"])

_s3 = boto3.client("s3")


async def _device_in_tenant(request: Request, device_id: str, tenant_id: int) -> None:
    found = await request.app.state.pool.fetchval(
        "SELECT 1 FROM devices WHERE device_id = $1 AND tenant_id = $2", device_id, tenant_id
    )
    if not found:
        raise HTTPException(status_code=404, detail="device not found")


@router.get("/devices/{device_id}/hourly")
async def hourly_rollup(
    device_id: str,
    request: Request,
    metric: str = Query(..., max_length=64),
    hours: int = Query(24, ge=1, le=168),
    user: TenantUser = Depends(tenant_user),
):
    await _device_in_tenant(request, device_id, user.tenant_id)
    rows = await request.app.state.pool.fetch(
        "SELECT date_trunc('hour', ts) AS hour, avg(value) AS mean, min(value) AS low, max(value) AS high "
        f"FROM readings WHERE device_id = $1 AND metric = '{metric}' "  # expect: SEC001
        "AND ts > now() - make_interval(hours => $2) GROUP BY 1 ORDER BY 1",
        device_id,
        hours,
    )
    return {
        "device_id": device_id,
        "metric": metric,
        "points": [{"hour": r["hour"].isoformat(), "mean": r["mean"], "low": r["low"], "high": r["high"]} for r in rows],
    }


@router.get("/tenants/me/daily")
async def tenant_daily(request: Request, day: date, tz: str = Query("UTC", max_length=64), user: TenantUser = Depends(tenant_user)):
    rows = await request.app.state.pool.fetch(
        "SELECT device_id, metric, avg(value) AS mean FROM readings "
        "WHERE tenant_id = $1 AND (ts AT TIME ZONE $2)::date = $3 "  # todo-expect: DB006
        "GROUP BY device_id, metric ORDER BY device_id, metric LIMIT 5000",
        user.tenant_id,
        tz,
        day,
    )
    return {"day": day.isoformat(), "tz": tz, "rows": [dict(r) for r in rows]}


@router.post("/devices/{device_id}/export")
async def export_device_readings(device_id: str, request: Request, user: TenantUser = Depends(tenant_user)):
    await _device_in_tenant(request, device_id, user.tenant_id)
    rows = await request.app.state.pool.fetch(  # expect: DB002
        "SELECT ts, metric, value FROM readings WHERE device_id = $1 ORDER BY ts", device_id
    )
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["ts", "metric", "value"])
    writer.writerows((r["ts"].isoformat(), r["metric"], r["value"]) for r in rows)

    key = f"exports/{user.tenant_id}/{device_id}/{uuid.uuid4()}.csv"
    _s3.put_object(Bucket=settings.export_bucket, Key=key, Body=buf.getvalue().encode(), ContentType="text/csv")  # expect: CON001
    url = _s3.generate_presigned_url("get_object", Params={"Bucket": settings.export_bucket, "Key": key}, ExpiresIn=3600)
    return {"rows": len(rows), "url": url}
