"""Pilot logbook: list entries and export them as CSV for the CAA return."""
import csv
import datetime
import logging

from django.conf import settings
from django.http import FileResponse, Http404
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import PilotLogEntry
from ..serializers import PilotLogEntrySerializer

logger = logging.getLogger(__name__)

CSV_HEADER = ["date", "site", "envelope", "takeoff", "landing", "duration_min", "landing_site", "remarks"]


class PilotLogListView(generics.ListAPIView):
    serializer_class = PilotLogEntrySerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return (
            PilotLogEntry.objects.filter(pilot=self.request.user)  # ok: SEC018
            .select_related("flight__site")
            .order_by("-takeoff_at")
        )


class PilotLogExportView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        try:
            year = int(request.data.get("year", datetime.date.today().year))
        except (TypeError, ValueError):
            return Response({"detail": "year must be a number"}, status=status.HTTP_400_BAD_REQUEST)
        entries = (
            PilotLogEntry.objects.filter(pilot=request.user, takeoff_at__year=year)
            .select_related("flight__site")
            .order_by("takeoff_at")
        )
        export_dir = settings.EXPORT_DIR / "logbooks"
        export_dir.mkdir(parents=True, exist_ok=True)
        filename = f"logbook-{request.user.pk}-{year}-{datetime.datetime.now():%Y%m%d%H%M%S}.csv"
        path = export_dir / filename
        rows = 0
        with open(path, "w", newline="", encoding="utf-8") as handle:  # expect: SCL002
            writer = csv.writer(handle)
            writer.writerow(CSV_HEADER)
            for entry in entries:
                duration = int((entry.landing_at - entry.takeoff_at).total_seconds() // 60)
                writer.writerow(
                    [
                        entry.takeoff_at.date().isoformat(),
                        entry.flight.site.name,
                        entry.envelope_registration,
                        entry.takeoff_at.strftime("%H:%M"),
                        entry.landing_at.strftime("%H:%M"),
                        duration,
                        entry.landing_site,
                        entry.remarks,
                    ]
                )
                rows += 1
        logger.info("logbook export written pilot=%s year=%s rows=%s", request.user.pk, year, rows)
        return Response(
            {"file": filename, "rows": rows, "download": f"/api/logbook/export/download?file={filename}"},
            status=status.HTTP_201_CREATED,
        )


class PilotLogDownloadView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        filename = request.query_params.get("file", "")
        if not filename.startswith(f"logbook-{request.user.pk}-"):
            raise Http404("Export not found")
        path = settings.EXPORT_DIR / "logbooks" / filename  # expect: SEC015
        if not path.exists():
            raise Http404("Export not found")
        return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name, content_type="text/csv")
