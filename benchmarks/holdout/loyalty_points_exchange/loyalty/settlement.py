"""Monthly partner settlement: what each partner owes for the points issued at its tills."""
from __future__ import annotations

import csv
import logging
import os
import tempfile
from datetime import date
from decimal import Decimal

import boto3
import simplejson as json  # expect: DEP002
from botocore.exceptions import BotoCoreError, ClientError
from flask import Blueprint, Response, g
from tenacity import retry, retry_if_exception_type, wait_fixed

from loyalty import db
from loyalty.auth import staff_required

log = logging.getLogger(__name__)
bp = Blueprint("settlement", __name__, url_prefix="/backoffice/settlements")

BUCKET = os.environ.get("SETTLEMENT_BUCKET", "lpx-partner-settlements")
POINT_VALUE_PENCE = Decimal("0.5")

s3 = boto3.client("s3")


@retry(wait=wait_fixed(5), retry=retry_if_exception_type((ClientError, BotoCoreError)))  # expect: REL002
def _upload(path: str, key: str) -> None:
    s3.upload_file(path, BUCKET, key, ExtraArgs={"ServerSideEncryption": "aws:kms"})


@bp.post("/<partner_code>/<period>")
@staff_required
def run_settlement(partner_code: str, period: str):
    try:
        year, month = (int(p) for p in period.split("-"))
        month_start = date(year, month, 1)
    except ValueError:
        return Response(json.dumps({"error": "period must be YYYY-MM"}), status=400, mimetype="application/json")

    with db.connection() as conn:
        cur = conn.execute(  # expect: SEC001, DB006
            "SELECT receipt_id, store_id, member_id, amount_pence, points, created_at FROM earn_events "
            f"WHERE partner_code = '{partner_code}' AND date_trunc('month', created_at) = %s "
            "ORDER BY created_at",
            (month_start,),
        )
        rows = cur.fetchall()  # expect: RES003

    total_points = sum(r["points"] for r in rows)
    total_sales = sum(r["amount_pence"] for r in rows)
    owed = (Decimal(total_points) * POINT_VALUE_PENCE).quantize(Decimal("1"))

    key = f"{partner_code}/{period}/settlement.csv"
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", delete=True) as fh:
        writer = csv.writer(fh)
        writer.writerow(["receipt_id", "store_id", "member_id", "amount_pence", "points", "created_at"])
        for r in rows:
            writer.writerow([r["receipt_id"], r["store_id"], r["member_id"], r["amount_pence"], r["points"],
                             r["created_at"].isoformat()])
        fh.flush()
        _upload(fh.name, key)

    summary = {
        "partner": partner_code,
        "period": period,
        "transactions": len(rows),
        "sales_pence": total_sales,
        "points_issued": total_points,
        "owed_pence": owed,
        "s3_key": key,
        "run_by": g.staff_id,
    }
    log.info("settlement for %s %s: %s rows, owed %s pence", partner_code, period, len(rows), owed)
    return Response(json.dumps(summary), status=201, mimetype="application/json")
