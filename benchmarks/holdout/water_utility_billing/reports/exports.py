"""Usage exports built in the background and stored in S3.

The reads are streamed through a server-side cursor in chunks and
aggregated incrementally; the CSV is written to a temporary file that is
removed once it has been uploaded to the reports bucket.
"""
from __future__ import annotations

import logging
import tempfile
from datetime import date

import pandas as pd
from celery import shared_task
from psycopg.types.json import Jsonb
from django.core.files import File
from django.core.files.storage import default_storage
from rest_framework import serializers, status
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from utility.db import connection, fetch_one

log = logging.getLogger(__name__)

CHUNK_ROWS = 20_000
READS_SQL = (
    "SELECT m.account_id, a.account_class, date_trunc('month', r.read_at) AS month, r.register_m3 "
    "FROM meter_reads r JOIN meters m ON m.id = r.meter_id JOIN accounts a ON a.id = m.account_id "
    "WHERE a.district = %s AND r.read_at >= %s AND r.read_at < %s"
)


class ExportRequest(serializers.Serializer):
    district = serializers.RegexField(r"^[A-Z0-9-]{1,16}$")
    year = serializers.IntegerField(min_value=2000, max_value=2100)


@shared_task(bind=True, max_retries=2, default_retry_delay=300)
def build_usage_export(self, export_id: int, district: str, year: int) -> str:
    partials = []
    with connection() as conn:
        with conn.cursor(name=f"usage_export_{export_id}") as cur:
            cur.itersize = CHUNK_ROWS
            cur.execute(READS_SQL, (district, date(year, 1, 1), date(year + 1, 1, 1)))  # ok: SEC001, DB006
            while rows := cur.fetchmany(CHUNK_ROWS):  # ok: RES003
                chunk = pd.DataFrame(rows)
                partials.append(
                    chunk.groupby(["account_id", "account_class", "month"])["register_m3"].agg(["min", "max"])
                )
    if partials:
        merged = pd.concat(partials).groupby(level=[0, 1, 2]).agg({"min": "min", "max": "max"})
        used = (merged["max"] - merged["min"]).rename("used_m3").reset_index()
        summary = used.groupby(["account_class", "month"])["used_m3"].agg(["count", "sum", "mean"]).reset_index()
    else:
        summary = pd.DataFrame(columns=["account_class", "month", "count", "sum", "mean"])

    key = f"exports/usage/{district}/{year}/{export_id}.csv"
    with tempfile.NamedTemporaryFile(mode="w+b", suffix=".csv") as tmp:
        summary.to_csv(tmp, index=False)
        tmp.seek(0)
        stored = default_storage.save(key, File(tmp))  # ok: SCL002
    with connection() as conn:
        conn.execute("UPDATE report_exports SET status = 'ready', storage_key = %s WHERE id = %s", (stored, export_id))
    log.info("usage export ready", extra={"export_id": export_id, "task_id": self.request.id})
    return stored


class UsageExportView(APIView):
    permission_classes = [IsAdminUser]

    def post(self, request):
        req = ExportRequest(data=request.data)
        req.is_valid(raise_exception=True)
        with connection() as conn:
            row = conn.execute(
                "INSERT INTO report_exports (kind, params, status, requested_by) "
                "VALUES ('usage', %s, 'queued', %s) RETURNING id",
                (Jsonb(dict(req.validated_data)), request.user.id),
            ).fetchone()
        build_usage_export.delay(row["id"], req.validated_data["district"], req.validated_data["year"])
        return Response({"export_id": row["id"], "status": "queued"}, status=status.HTTP_202_ACCEPTED)

    def get(self, request, export_id: int):
        row = fetch_one(
            "SELECT id, status, storage_key FROM report_exports WHERE id = %s AND requested_by = %s",
            (export_id, request.user.id),
        )
        if row is None:
            return Response({"detail": "export not found"}, status=status.HTTP_404_NOT_FOUND)
        url = default_storage.url(row["storage_key"]) if row["status"] == "ready" else None
        return Response({"export_id": row["id"], "status": row["status"], "url": url})
