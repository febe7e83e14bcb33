"""District usage report for the operations team (monthly consumption per
account class), built on demand and downloadable as CSV."""
from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path

import pandas as pd
from django.http import FileResponse, Http404
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from utility.db import connection

log = logging.getLogger(__name__)

REPORT_DIR = Path(os.environ.get("REPORT_DIR", "/srv/water/reports"))


class DistrictUsageReportView(APIView):
    permission_classes = [IsAdminUser]

    def post(self, request):
        district = str(request.data.get("district", "")).strip()
        year = int(request.data.get("year", date.today().year))
        if not district:
            return Response({"detail": "district is required"}, status=400)

        sql = (
            "SELECT a.id AS account_id, a.account_class, r.read_at, r.register_m3 "
            "FROM meter_reads r JOIN meters m ON m.id = r.meter_id JOIN accounts a ON a.id = m.account_id "
            f"WHERE a.district = '{district}' "  # expect: SEC001
            f"AND extract(year FROM r.read_at) = {year} "  # expect: DB006
            "ORDER BY a.id, r.read_at"
        )
        with connection() as conn:
            reads = pd.read_sql(sql, conn)  # expect: RES003

        if reads.empty:
            return Response({"detail": "no reads for that district and year"}, status=404)
        reads["month"] = reads["read_at"].dt.to_period("M")
        per_account = (
            reads.groupby(["account_id", "account_class", "month"])["register_m3"]
            .agg(lambda s: s.max() - s.min())
            .rename("used_m3")
            .reset_index()
        )
        summary = (
            per_account.groupby(["account_class", "month"])["used_m3"]
            .agg(["count", "sum", "mean", "median"])
            .reset_index()
        )
        REPORT_DIR.mkdir(parents=True, exist_ok=True)
        name = f"usage-{district}-{year}.csv"
        summary.to_csv(REPORT_DIR / name, index=False)  # expect: SCL002, SEC015
        log.info("usage report written", extra={"district": district, "year": year, "rows": len(summary)})
        return Response({"report": name, "rows": len(summary)}, status=201)


class ReportDownloadView(APIView):
    permission_classes = [IsAdminUser]

    def get(self, request, name: str):
        path = (REPORT_DIR / name).resolve()
        if not path.is_relative_to(REPORT_DIR.resolve()) or not path.is_file():  # ok: SEC015
            raise Http404("report not found")
        return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
