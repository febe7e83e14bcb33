"""Rendering and download of printable result reports."""

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import LabResult

log = logging.getLogger(__name__)

REPORT_DIR = Path(settings.REPORT_DIR)
WKHTMLTOPDF = shutil.which("wkhtmltopdf") or "/usr/local/bin/wkhtmltopdf"


def _result_for(request, result_id) -> LabResult:
    return get_object_or_404(
        LabResult.objects.select_related("order", "order__patient", "order__ordered_by"),
        pk=result_id,
        order__patient__clinician=request.user.clinician,
    )


class ReportRenderView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, result_id):
        result = _result_for(request, result_id)
        patient = result.order.patient
        html = render_to_string(
            "clinic_lab_results/report.html",
            {"result": result, "patient": patient, "clinician": result.order.ordered_by},
        )
        with tempfile.TemporaryDirectory() as workdir:
            src = Path(workdir) / "report.html"
            out = Path(workdir) / "report.pdf"
            src.write_text(html, encoding="utf-8")
            subprocess.run(
                f"{WKHTMLTOPDF} --quiet --title '{patient.full_name}' {src} {out}", shell=True, check=True, timeout=60  # expect: SEC002
            )
            REPORT_DIR.mkdir(parents=True, exist_ok=True)
            target = REPORT_DIR / f"{result.accession_number}.pdf"
            shutil.move(str(out), target)  # expect: SCL002
        log.info("report rendered for result %s", result.pk)
        return Response({"result_id": result.pk, "file": target.name}, status=201)


class ReportDownloadView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, result_id):
        result = _result_for(request, result_id)
        filename = request.query_params.get("file") or f"{result.accession_number}.pdf"
        path = os.path.join(settings.REPORT_DIR, filename)  # expect: SEC015
        if not os.path.isfile(path):
            raise Http404("report has not been rendered")
        handle = open(path, "rb")  # ok: RES001
        return FileResponse(
            handle,
            content_type="application/pdf",
            as_attachment=True,
            filename=f"{result.accession_number}.pdf",
        )


class ReportStatusView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, result_id):
        result = _result_for(request, result_id)
        path = REPORT_DIR / f"{result.accession_number}.pdf"
        return Response(
            {
                "result_id": result.pk,
                "rendered": path.is_file(),
                "size_bytes": path.stat().st_size if path.is_file() else None,
            }
        )
