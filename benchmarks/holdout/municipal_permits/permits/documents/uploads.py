"""Supporting-document uploads (site plans, insurance certificates, event layouts)."""
import logging
import os
import subprocess

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views import View

from permits.models import Document, PermitApplication

logger = logging.getLogger(__name__)

CONVERTIBLE = {"image/tiff", "image/heic"}


class DocumentUploadView(LoginRequiredMixin, View):
    def post(self, request, application_id: int):
        application = get_object_or_404(PermitApplication, pk=application_id, applicant=request.user)
        upload = request.FILES.get("document")
        if upload is None:
            return JsonResponse({"detail": "document is required"}, status=400)
        category = request.POST.get("category", "general")

        dest_dir = os.path.join(settings.MEDIA_ROOT, "applications", str(application.pk), category)  # expect: SEC015
        os.makedirs(dest_dir, exist_ok=True)
        dest = os.path.join(dest_dir, upload.name)
        with open(dest, "wb") as fh:  # expect: SCL002
            fh.write(upload.read())  # expect: SEC019, RES003

        content_type = upload.content_type
        if content_type in CONVERTIBLE:
            pdf_path = f"{os.path.splitext(dest)[0]}.pdf"
            subprocess.run(f"convert '{dest}' '{pdf_path}'", shell=True, check=True, timeout=120)  # expect: SEC002
            dest, content_type = pdf_path, "application/pdf"

        document = Document.objects.create(
            application=application,
            category=category,
            original_name=upload.name,
            content_type=content_type,
            size_bytes=upload.size,
            storage_path=dest,
        )
        logger.info("document %s stored for application %s", document.pk, application.pk)
        return JsonResponse({"id": document.pk, "name": document.original_name}, status=201)


class DocumentDownloadView(LoginRequiredMixin, View):
    def get(self, request, document_id: int):
        document = get_object_or_404(
            Document.objects.select_related("application"),
            pk=document_id,
            application__applicant=request.user,
        )
        if not document.storage_path or not os.path.exists(document.storage_path):
            raise Http404("document file missing")
        return FileResponse(  # ok: SEC015, RES001
            open(document.storage_path, "rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )


class DocumentListView(LoginRequiredMixin, View):
    def get(self, request, application_id: int):
        application = get_object_or_404(PermitApplication, pk=application_id, applicant=request.user)
        documents = application.documents.order_by("-uploaded_at").values(
            "id", "category", "original_name", "content_type", "size_bytes", "uploaded_at"
        )[:100]
        return JsonResponse({"reference": application.reference, "documents": list(documents)})
