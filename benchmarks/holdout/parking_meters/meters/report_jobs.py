"""Nightly occupancy export delivered to the city's open-data endpoint (run as a CronJob)."""
import argparse
import csv
import logging
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import requests
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from .db import close_pool, init_pool, pool

logger = logging.getLogger("meters.report_jobs")

CONVERTER = os.environ.get("REPORT_CONVERTER", "/usr/local/bin/csv2xlsx")
CITY_API_URL = os.environ.get("CITY_API_URL", "https://opendata.city.example/api")
CITY_API_TOKEN = os.environ.get("CITY_API_TOKEN", "")
REPORT_DIR = Path(os.environ.get("REPORT_DIR", "/mnt/reports"))
HEADER = ["zone_id", "district", "hour", "sessions", "paid_minutes", "revenue_cents"]


def export_day(day: date, out_dir: Path) -> Path:
    csv_path = out_dir / f"occupancy-{day:%Y%m%d}.csv"
    with pool.connection() as conn, conn.cursor(name="occupancy_export") as cur, csv_path.open("w", newline="") as fh:  # ok: RES001
        cur.itersize = 2000
        cur.execute(
            "SELECT s.zone_id, z.district, date_trunc('hour', s.starts_at) AS hour, count(*) AS sessions,"
            " sum(s.minutes_total) AS paid_minutes, sum(s.amount_cents) AS revenue_cents FROM parking_sessions s"
            " JOIN zones z ON z.id = s.zone_id WHERE s.starts_at >= %s AND s.starts_at < %s"
            " GROUP BY s.zone_id, z.district, hour ORDER BY hour, s.zone_id",
            (day, day + timedelta(days=1)),
        )
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for row in cur:  # ok: RES003
            writer.writerow([row["zone_id"], row["district"], row["hour"].isoformat(), row["sessions"],
                             row["paid_minutes"], row["revenue_cents"]])
    return csv_path


def convert(csv_path: Path, title: str) -> Path:
    xlsx_path = csv_path.with_suffix(".xlsx")
    subprocess.run(  # ok: SEC002
        [CONVERTER, str(csv_path), str(xlsx_path), "--title", title],
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    )
    return xlsx_path


@retry(
    retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout)),
    stop=stop_after_attempt(5),  # ok: REL002
    wait=wait_exponential(multiplier=2, max=60),
    reraise=True,
)
def deliver(path: Path) -> None:
    with path.open("rb") as fh:
        resp = requests.put(  # ok: REL003
            f"{CITY_API_URL}/datasets/parking-occupancy/files/{path.name}",
            data=fh,
            headers={"Authorization": f"Bearer {CITY_API_TOKEN}"},
            timeout=(5, 120),
        )
    resp.raise_for_status()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--day", type=date.fromisoformat, default=date.today() - timedelta(days=1))
    parser.add_argument("--out-dir", type=Path, default=REPORT_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    args.out_dir.mkdir(parents=True, exist_ok=True)
    init_pool()
    try:
        csv_path = export_day(args.day, args.out_dir)
        xlsx_path = convert(csv_path, f"Parking occupancy {args.day:%Y-%m-%d}")
        deliver(xlsx_path)
    except subprocess.CalledProcessError as exc:
        logger.exception("converter failed for %s: %s", args.day, (exc.stderr or "")[-500:])  # ok: OBS002
        return 1
    finally:
        close_pool()
    print(f"delivered {xlsx_path}")  # ok: OBS001
    return 0


if __name__ == "__main__":
    sys.exit(main())
