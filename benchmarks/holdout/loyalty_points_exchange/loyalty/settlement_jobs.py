"""Month-end settlement run for every partner. Runs as a Kubernetes CronJob:

    python -m loyalty.settlement_jobs 2024-06
"""
from __future__ import annotations

import csv
import io
import logging
import sys
import tempfile
from datetime import date

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from loyalty import db

log = logging.getLogger("loyalty.settlement_jobs")

BUCKET = "lpx-partner-settlements"
STREAM_BATCH = 5_000

s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3}))
transfer_config = TransferConfig(multipart_threshold=16 * 1024 * 1024, multipart_chunksize=16 * 1024 * 1024)


@retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=2, max=60),  # ok: REL002
       retry=retry_if_exception_type((ClientError, BotoCoreError)), reraise=True)
def _upload(fileobj, key: str) -> None:
    fileobj.seek(0)
    s3.upload_fileobj(fileobj, BUCKET, key, Config=transfer_config,  # ok: REL003
                      ExtraArgs={"ServerSideEncryption": "aws:kms", "ContentType": "text/csv"})


def settle_partner(partner_code: str, month_start: date, next_month: date) -> dict:
    key = f"{partner_code}/{month_start:%Y-%m}/settlement.csv"
    points = sales = count = 0
    with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024, mode="w+b") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(["receipt_id", "store_id", "member_id", "amount_pence", "points", "created_at"])
        with db.connection() as conn:
            with conn.cursor(name=f"settle_{partner_code}") as cur:
                cur.itersize = STREAM_BATCH
                cur.execute(  # ok: SEC001, DB006
                    "SELECT receipt_id, store_id, member_id, amount_pence, points, created_at FROM earn_events "
                    "WHERE partner_code = %s AND created_at >= %s AND created_at < %s ORDER BY created_at",
                    (partner_code, month_start, next_month),
                )
                for row in cur:  # ok: RES003
                    writer.writerow([row["receipt_id"], row["store_id"], row["member_id"], row["amount_pence"],
                                     row["points"], row["created_at"].isoformat()])
                    points += row["points"]
                    sales += row["amount_pence"]
                    count += 1
        text.flush()
        _upload(raw, key)
        text.detach()

    with db.transaction() as cur:
        cur.execute(  # ok: DB005
            "INSERT INTO settlements (partner_code, period, transactions, points, sales_pence, s3_key) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (partner_code, period) DO UPDATE SET "
            "transactions = EXCLUDED.transactions, points = EXCLUDED.points, sales_pence = EXCLUDED.sales_pence",
            (partner_code, month_start, count, points, sales, key),
        )
    return {"partner": partner_code, "rows": count, "points": points, "s3_key": key}


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    year, month = (int(p) for p in argv[1].split("-"))
    month_start = date(year, month, 1)
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    db.init_pool(min_size=1, max_size=2)
    try:
        partners = [r["code"] for r in db.fetch_page("SELECT code FROM partners WHERE active ORDER BY code LIMIT %s",
                                                     (500,), 500)]
        for code in partners:
            result = settle_partner(code, month_start, next_month)  # ok: DB001
            print(f"{code}: {result['rows']} rows, {result['points']} points -> s3://{BUCKET}/{result['s3_key']}")  # ok: OBS001
    finally:
        db.close_pool()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
