"""Client documents: expense receipt uploads, statement downloads and the offline SQLite export."""
import logging
import os
import sqlite3

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, JsonResponse
from django.views import View

from billing.models import ExpenseReceipt, TimeEntry

logger = logging.getLogger(__name__)

ALLOWED_RECEIPT_TYPES = {"application/pdf", "image/png", "image/jpeg"}

EXPORT_SCHEMA = """
CREATE TABLE IF NOT EXISTS time_entries (
    id INTEGER PRIMARY KEY,
    project TEXT NOT NULL,
    day TEXT NOT NULL,
    hours REAL NOT NULL,
    description TEXT,
    invoice_number TEXT
)
"""


class ReceiptUploadView(LoginRequiredMixin, View):
    def post(self, request):
        client = request.user.client_account
        upload = request.FILES.get("receipt")
        if upload is None:
            return JsonResponse({"error": "receipt file is required"}, status=400)
        if upload.content_type not in ALLOWED_RECEIPT_TYPES:
            return JsonResponse({"error": "unsupported file type"}, status=415)
        data = upload.read()  # expect: SEC019, RES003
        receipt = ExpenseReceipt(client=client, original_name=upload.name[:255], content_type=upload.content_type)
        receipt.file.save(upload.name, ContentFile(data), save=True)
        logger.info("client %s uploaded receipt %s (%d bytes)", client.pk, receipt.pk, len(data))
        return JsonResponse({"id": receipt.pk}, status=201)


class StatementDownloadView(LoginRequiredMixin, View):
    """Yearly account statements produced by the accountant's export job."""

    def get(self, request):
        client = request.user.client_account
        name = request.GET.get("file", "")
        path = os.path.join(settings.STATEMENTS_DIR, str(client.pk), name)  # expect: SEC015
        if not name or not os.path.isfile(path):
            raise Http404("No such statement")
        return FileResponse(open(path, "rb"), as_attachment=True)


class OfflineExportView(LoginRequiredMixin, View):
    """Builds a SQLite file with the client's time entries for the desktop app to download."""

    def post(self, request):
        client = request.user.client_account
        os.makedirs(settings.EXPORT_DIR, exist_ok=True)
        filename = f"client-{client.pk}.sqlite3"
        conn = sqlite3.connect(os.path.join(settings.EXPORT_DIR, filename))  # expect: RES001, SCL002
        conn.execute(EXPORT_SCHEMA)
        entries = (
            TimeEntry.objects.filter(project__client=client)
            .select_related("project", "invoice")
            .iterator(chunk_size=2000)
        )
        count = 0
        for entry in entries:
            conn.execute(
                "INSERT OR REPLACE INTO time_entries VALUES (?, ?, ?, ?, ?, ?)",  # ok: SEC001
                (
                    entry.pk,
                    entry.project.name,
                    entry.started_on.isoformat(),
                    float(entry.hours),
                    entry.description,
                    entry.invoice.number if entry.invoice else None,
                ),
            )
            conn.commit()  # expect: DB003
            count += 1
        conn.close()
        return JsonResponse({"entries": count, "download": f"/portal/exports/{filename}"})
