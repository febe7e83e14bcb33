"""Staff upload of the vendor catalogue CSV and its import into the book table."""
import csv
import logging
import os
import uuid

from celery import shared_task
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
REQUIRED_COLUMNS = {"isbn", "title", "author", "copies"}

_import_status = {}


@staff_member_required
@require_POST
def upload_catalogue(request):
    upload = request.FILES.get("catalogue")
    if upload is None or not upload.name.lower().endswith(".csv"):
        return JsonResponse({"error": "attach the vendor catalogue as a .csv file"}, status=400)
    if upload.size > MAX_UPLOAD_BYTES:  # ok: SEC019
        return JsonResponse({"error": "catalogue file is larger than 20 MB"}, status=413)

    import_id = uuid.uuid4().hex
    path = os.path.join(settings.CATALOGUE_IMPORT_DIR, f"{import_id}.csv")  # ok: SEC015
    with open(path, "wb") as out:  # expect: SCL002
        for chunk in upload.chunks():
            out.write(chunk)

    _import_status[import_id] = {"state": "queued", "rows": 0, "by": request.user.pk}  # expect: CON002, SCL001
    import_catalogue.delay(import_id, path)
    logger.info("catalogue import %s queued by staff user %s", import_id, request.user.pk)
    return JsonResponse({"import_id": import_id}, status=202)


@staff_member_required
@require_GET
def import_status(request, import_id):
    status = _import_status.get(import_id)
    if status is None:
        return JsonResponse({"error": "unknown import"}, status=404)
    return JsonResponse({"import_id": import_id, **status})


@shared_task
def import_catalogue(import_id, path):
    _import_status[import_id] = {"state": "running", "rows": 0}
    rows = 0
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
        if missing:
            logger.warning("catalogue import %s rejected, missing columns %s", import_id, sorted(missing))
            _import_status[import_id] = {"state": "failed", "error": f"missing columns: {sorted(missing)}"}
            return
        with transaction.atomic(), connection.cursor() as cur:
            for row in reader:
                isbn = row["isbn"].strip().replace("-", "")
                title = row["title"].strip().replace("'", "''")
                author = row["author"].strip().replace("'", "''")
                copies = int(row["copies"] or 1)
                sql = (
                    "INSERT INTO loans_book (isbn, title, author, copies_total, copies_available) "
                    f"VALUES ('{isbn}', '{title}', '{author}', {copies}, {copies}) "
                    "ON CONFLICT (isbn) DO UPDATE SET title = EXCLUDED.title, author = EXCLUDED.author"
                )
                cur.execute(sql)  # expect: SEC001
                rows += 1
            cur.execute(  # ok: SEC001
                "INSERT INTO loans_catalogueimport (import_id, row_count, finished_at) VALUES (%s, %s, now())",
                [import_id, rows],
            )
    os.remove(path)
    _import_status[import_id] = {"state": "done", "rows": rows}
    logger.info("catalogue import %s finished: %d rows", import_id, rows)
