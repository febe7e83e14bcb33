"""Lock passage permit API: request, list, download as PDF, staff search."""
import logging
import subprocess
import tempfile
from pathlib import Path

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from .models import Boat, LockPassagePermit
from .permit_services import PermitError, cancel_permit, issue_permit
from .serializers import LockPassagePermitSerializer, PermitRequestSerializer

log = logging.getLogger(__name__)


def _render_pdf(permit, workdir):
    html_path = Path(workdir) / f"{permit.permit_number}.html"
    pdf_path = html_path.with_suffix(".pdf")
    html_path.write_text(render_to_string("permits/permit.html", {"permit": permit}))  # ok: SCL002
    subprocess.run(  # expect: SEC002
        f"wkhtmltopdf --quiet --title '{permit.boat.name} {permit.permit_number}' {html_path} {pdf_path}",
        shell=True,
        check=True,
        timeout=30,
    )
    return pdf_path


@api_view(["GET", "POST"])
def permits(request):
    if request.method == "GET":
        mine = (
            LockPassagePermit.objects.filter(requested_by=request.user)
            .select_related("lock_day", "boat")
            .order_by("-lock_day__date")[:100]
        )
        return Response(LockPassagePermitSerializer(mine, many=True).data)

    form = PermitRequestSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    boat = get_object_or_404(Boat, pk=form.validated_data["boat"], owner=request.user)
    try:
        permit = issue_permit(
            boat=boat, lock_name=form.validated_data["lock_name"], day=form.validated_data["date"], user=request.user
        )
    except PermitError as exc:
        return Response({"error": exc.code}, status=status.HTTP_409_CONFLICT)
    return Response(LockPassagePermitSerializer(permit).data, status=status.HTTP_201_CREATED)


@api_view(["GET"])
def permit_pdf(request, permit_id):
    permit = get_object_or_404(
        LockPassagePermit.objects.select_related("lock_day", "boat"), pk=permit_id, requested_by=request.user
    )
    with tempfile.TemporaryDirectory(prefix="permit-") as workdir:
        pdf_bytes = _render_pdf(permit, workdir).read_bytes()
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{permit.permit_number}.pdf"'
    return response


@api_view(["DELETE"])
def cancel(request, permit_id):
    permit = get_object_or_404(LockPassagePermit, pk=permit_id, requested_by=request.user)
    cancel_permit(permit)
    return Response(status=status.HTTP_204_NO_CONTENT)


@api_view(["GET"])
@permission_classes([IsAdminUser])
def search_permits(request):
    """Lock keepers look permits up by whatever part of the boat name they can read off the bow."""
    term = request.query_params.get("boat", "").strip()
    if len(term) < 2:
        return Response({"error": "search term too short"}, status=status.HTTP_400_BAD_REQUEST)
    found = (
        LockPassagePermit.objects.select_related("lock_day", "boat")
        .filter(boat__name__icontains=term)  # expect: DB006
        .order_by("-created_at")[:50]
    )
    return Response(LockPassagePermitSerializer(found, many=True).data)
