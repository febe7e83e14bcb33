"""Archive one UTC day of readings to S3 as gzip-compressed CSV.

Run once a day by the telemetry-archive CronJob:
    python -m ingest.daily_archive --day 2024-07-01
"""

import argparse
import asyncio
import csv
import gzip
import io
import os
import sys
import tempfile
from datetime import date, datetime, time, timedelta, timezone

import asyncpg
import boto3
from botocore.config import Config

QUERY = "SELECT device_id, tenant_id, ts, metric, value FROM readings WHERE ts >= $1 AND ts < $2 ORDER BY ts"


async def archive(day: date, bucket: str, dsn: str) -> tuple[int, str]:
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    end = start + timedelta(days=1)
    key = f"archive/readings/{day:%Y/%m/%d}.csv.gz"
    s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 5}))
    written = 0

    conn = await asyncpg.connect(dsn, timeout=10, command_timeout=900)
    try:
        with tempfile.TemporaryFile() as tmp:
            with gzip.GzipFile(fileobj=tmp, mode="wb") as gz:
                text = io.TextIOWrapper(gz, encoding="utf-8", newline="")
                writer = csv.writer(text)
                writer.writerow(["device_id", "tenant_id", "ts", "metric", "value"])
                async with conn.transaction():
                    async for rec in conn.cursor(QUERY, start, end, prefetch=5000):  # ok: RES003
                        writer.writerow([rec["device_id"], rec["tenant_id"], rec["ts"].isoformat(), rec["metric"], rec["value"]])
                        written += 1
                text.flush()
                text.detach()
            tmp.seek(0)
            await asyncio.to_thread(s3.upload_fileobj, tmp, bucket, key)  # ok: CON001
    finally:
        await conn.close()  # ok: RES001
    return written, key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", type=date.fromisoformat, default=date.today() - timedelta(days=1))
    parser.add_argument("--bucket", default=os.environ.get("ARCHIVE_BUCKET", "telemetry-archive"))
    parser.add_argument("--dsn", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args(argv)
    if not args.dsn:
        parser.error("--dsn or DATABASE_URL is required")

    written, key = asyncio.run(archive(args.day, args.bucket, args.dsn))
    print(f"archived {written} readings for {args.day} to s3://{args.bucket}/{key}")  # ok: OBS001
    return 0


if __name__ == "__main__":
    sys.exit(main())
