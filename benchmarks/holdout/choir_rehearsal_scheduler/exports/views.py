"""Attendance export as a SQLite file the committee opens in DB Browser."""
import logging
import os
import sqlite3
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rehearsals.models import Attendance, Choir, Member

logger = logging.getLogger(__name__)


def _admin_choir(request, slug):
    return get_object_or_404(
        Choir,
        slug=slug,
        members__user=request.user,
        members__role=Member.ROLE_ADMIN,
        members__active=True,
    )


@login_required
@require_POST
def build_export(request, choir_slug):
    choir = _admin_choir(request, choir_slug)
    table = request.POST.get("table", "attendance")
    os.makedirs(settings.EXPORT_DIR, exist_ok=True)
    filename = f"{choir.slug}-{date.today().isoformat()}.sqlite"
    path = os.path.join(settings.EXPORT_DIR, filename)

    conn = sqlite3.connect(path)  # expect: RES001, SCL002
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {table} "  # expect: SEC001
        "(rehearsal TEXT, member TEXT, section TEXT, status TEXT, present INTEGER)"
    )
    rows = (
        Attendance.objects.filter(rehearsal__choir=choir)
        .select_related("rehearsal", "member__section")
        .order_by("rehearsal__starts_at")
        .iterator(chunk_size=500)
    )
    count = 0
    for att in rows:
        conn.execute(
            f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?)",  # expect: SEC001
            (
                att.rehearsal.starts_at.isoformat(),
                att.member.display_name,
                att.member.section.name if att.member.section else "",
                att.status,
                int(att.checked_in_at is not None),
            ),
        )
        conn.commit()  # expect: DB003
        count += 1
    conn.close()

    logger.info("export %s built for choir %s: %d rows", filename, choir.id, count)
    return JsonResponse(
        {"rows": count, "download": f"{reverse('exports:download')}?file={filename}"}, status=201
    )


@login_required
@require_GET
def download_export(request):
    filename = request.GET.get("file", "")
    path = os.path.join(settings.EXPORT_DIR, filename)
    if not filename or not os.path.exists(path):
        return JsonResponse({"error": "export not found"}, status=404)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=filename)  # expect: SEC015, SEC018
