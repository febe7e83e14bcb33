"""Tenancy documents and plot photos uploaded by plot holders."""
import logging
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from garden.models import Plot, PlotDocument

logger = logging.getLogger("garden.documents")
DOCUMENT_ROOT = Path(settings.MEDIA_ROOT) / "plot_documents"


@login_required
def plot_documents(request, plot_id):
    plot = get_object_or_404(Plot, pk=plot_id, tenant__user=request.user)
    documents = plot.documents.order_by("-uploaded_at")[:100]
    return render(request, "garden/plot_documents.html", {"plot": plot, "documents": documents})


@login_required
@require_POST
def upload_plot_document(request, plot_id):
    plot = get_object_or_404(Plot, pk=plot_id, tenant__user=request.user)
    upload = request.FILES["document"]  # expect: SEC019
    title = request.POST.get("title") or upload.name
    folder = DOCUMENT_ROOT / str(plot.pk)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / title  # expect: SEC015
    with open(target, "wb") as fh:  # expect: SCL002
        for chunk in upload.chunks():
            fh.write(chunk)
    PlotDocument.objects.create(
        plot=plot,
        uploaded_by=request.user.member,
        storage_key=f"plot_documents/{plot.pk}/{title}",
        title=title,
        content_type=upload.content_type or "application/octet-stream",
        size_bytes=upload.size,
    )
    logger.info("member %s uploaded %s to plot %s", request.user.member.pk, title, plot.pk)
    messages.success(request, "Document uploaded.")
    return redirect("garden:plot-documents", plot_id=plot.pk)


@login_required
def download_plot_document(request, plot_id, name):
    path = DOCUMENT_ROOT / str(plot_id) / name  # expect: SEC015, SEC018
    if not path.exists():
        raise Http404("No such document.")
    content_type, _ = mimetypes.guess_type(path.name)
    return FileResponse(open(path, "rb"), content_type=content_type or "application/octet-stream")


@login_required
@require_POST
def delete_plot_document(request, plot_id, document_id):
    document = get_object_or_404(
        PlotDocument, pk=document_id, plot_id=plot_id, plot__tenant__user=request.user
    )
    path = DOCUMENT_ROOT / str(plot_id) / document.title  # todo-expect: SEC015
    try:
        path.unlink()
    except FileNotFoundError:
        logger.warning("document %s had no file at %s", document.pk, path)
    document.delete()
    messages.success(request, "Document deleted.")
    return redirect("garden:plot-documents", plot_id=plot_id)
