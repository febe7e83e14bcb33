"""Consignment and stock exports for the treasurer, streamed or archived to S3."""
import csv
import io
import logging
import tempfile
from datetime import date, timedelta

import boto3
from botocore.config import Config
from celery import shared_task
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

s3 = boto3.client(
    "s3",
    region_name=settings.AWS_REGION,
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}),
)

SORT_COLUMNS = {
    "sold": "s.sold_at",
    "consignor": "c.display_name",
    "gross": "s.gross_pence",
}
CONSIGNMENT_SQL = """
    SELECT s.id, s.sold_at, c.member_number, c.display_name, s.lot_code, s.jar_size_g, s.gross_pence, s.payout_id
    FROM consignment_consignmentsale s
    JOIN consignment_consignor c ON c.id = s.consignor_id
    WHERE s.sold_at >= %s AND s.sold_at < %s
    ORDER BY {sort}, s.id
"""
HEADER = ["sale", "sold_at", "member_no", "consignor", "lot", "jar_g", "gross_pence", "payout"]


class _Echo:
    def write(self, value):
        return value


def _consignment_rows(start, end, sort_key):
    sql = CONSIGNMENT_SQL.format(sort=SORT_COLUMNS[sort_key])
    # chunked_cursor() is a server-side cursor on PostgreSQL, so rows arrive in pages.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [start, end])  # ok: SEC001
        while True:  # ok: REL002
            chunk = cursor.fetchmany(1000)
            if not chunk:
                break
            yield from chunk


@staff_member_required
def consignment_csv(request):
    sort_key = request.GET.get("sort", "sold")
    if sort_key not in SORT_COLUMNS:
        return JsonResponse({"error": f"sort must be one of {sorted(SORT_COLUMNS)}"}, status=400)
    year = timezone.localdate().year
    try:
        start = date.fromisoformat(request.GET.get("from", f"{year}-01-01"))
        end = date.fromisoformat(request.GET.get("to", f"{year + 1}-01-01"))
    except ValueError:
        return JsonResponse({"error": "from/to must be YYYY-MM-DD"}, status=400)
    writer = csv.writer(_Echo())
    stream = (writer.writerow(row) for row in _iter_with_header(_consignment_rows(start, end, sort_key)))
    response = StreamingHttpResponse(stream, content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="consignment.csv"'
    logger.info("consignment_csv %s..%s streamed for user %s", start, end, request.user.pk)
    return response


def _iter_with_header(rows):
    yield HEADER
    yield from rows


@shared_task(soft_time_limit=600, time_limit=660)
def archive_monthly_consignment_export():
    today = timezone.localdate()
    end = today.replace(day=1)
    start = (end - timedelta(days=1)).replace(day=1)
    key = f"exports/consignment/{start:%Y-%m}.csv"
    with tempfile.TemporaryFile() as tmp:
        text = io.TextIOWrapper(tmp, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(HEADER)
        for row in _consignment_rows(start, end, "sold"):
            writer.writerow(row)
        text.flush()
        text.detach()
        tmp.seek(0)
        s3.upload_fileobj(tmp, settings.S3_BUCKET, key, ExtraArgs={"ServerSideEncryption": "AES256"})
    logger.info("archived consignment export for %s to s3://%s/%s", f"{start:%Y-%m}", settings.S3_BUCKET, key)
    return key
