"""Inventory CSV for the stock-take volunteers, streamed row by row."""
import csv
import logging

from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from exchange.models import ExportFile, SeedPacket

log = logging.getLogger(__name__)

COLUMNS = ["packet_id", "owner", "region", "species", "variety", "year", "quantity", "listed"]


class _Echo:
    """csv.writer target that hands each row straight back instead of buffering it."""

    def write(self, value):
        return value


def _inventory_rows():
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    packets = (
        SeedPacket.objects.select_related("owner")
        .order_by("id")
        .values_list("id", "owner__display_name", "owner__region", "species", "variety",
                     "year_harvested", "quantity", "is_listed")
    )
    for row in packets.iterator(chunk_size=2000):  # ok: DB002, RES003
        yield writer.writerow(row)


@staff_member_required
def inventory_csv(request):
    log.info("inventory export started by staff %s", request.user.id)
    stamp = timezone.now().strftime("%Y%m%d")
    response = StreamingHttpResponse(_inventory_rows(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="inventory-{stamp}.csv"'
    return response


@staff_member_required
def download_export(request, export_id):
    export = get_object_or_404(ExportFile, pk=export_id)
    if not default_storage.exists(export.file.name):
        log.error("export %s points at missing object %s", export.id, export.file.name)
        raise Http404("export file missing")
    log.info("export %s (%s) downloaded by staff %s", export.id, export.kind, request.user.id)
    return FileResponse(  # ok: SEC015
        default_storage.open(export.file.name, "rb"),
        as_attachment=True,
        filename=export.file.name.rsplit("/", 1)[-1],
    )


@staff_member_required
def recent_exports(request):
    exports = ExportFile.objects.select_related("created_by").order_by("-created_at")[:50]
    lines = [
        f"{e.id}\t{e.kind}\t{e.row_count}\t{e.created_at:%Y-%m-%d %H:%M}\t{e.created_by.username if e.created_by else '-'}"
        for e in exports
    ]
    return StreamingHttpResponse(iter(["\n".join(lines)]), content_type="text/plain")
