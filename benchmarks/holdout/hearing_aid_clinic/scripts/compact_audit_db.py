#!/usr/bin/env python3
"""Archive and compact the booth bridge's SQLite audit log.

The bridge PC next to each sound booth keeps a local SQLite log of device
events and audiometer sessions. Run this nightly from cron on that PC:

    python scripts/compact_audit_db.py /var/lib/booth-bridge/audit.sqlite --keep-days 90
"""
import argparse
import sqlite3
import sys
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

# table -> timestamp column used for the age cut-off
TABLES = {
    "device_events": "recorded_at",
    "audiometer_sessions": "started_at",
    "sync_log": "created_at",
}
BATCH = 5000


def ensure_archive_table(src: sqlite3.Connection, dst: sqlite3.Connection, table: str) -> None:
    row = src.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    if row is None:
        raise SystemExit(f"table {table!r} not found in source database")
    with dst:
        dst.execute(row[0].replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))


def archive_table(src: sqlite3.Connection, dst: sqlite3.Connection, table: str, cutoff: str) -> int:
    column = TABLES[table]
    moved = 0
    while True:  # ok: REL002
        rows = src.execute(
            f"SELECT rowid, * FROM {table} WHERE {column} < ? ORDER BY rowid LIMIT ?",  # ok: SEC001
            (cutoff, BATCH),
        ).fetchall()
        if not rows:
            return moved
        placeholders = ",".join("?" * (len(rows[0]) - 1))
        with dst:
            dst.executemany(f"INSERT OR IGNORE INTO {table} VALUES ({placeholders})", [r[1:] for r in rows])
        with src:
            src.executemany(f"DELETE FROM {table} WHERE rowid = ?", [(r[0],) for r in rows])  # ok: DB003
        moved += len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database", type=Path)
    parser.add_argument("--archive", type=Path, help="archive database (default: <database>.archive.sqlite)")
    parser.add_argument("--keep-days", type=int, default=90)
    parser.add_argument("--no-vacuum", action="store_true")
    args = parser.parse_args(argv)

    if not args.database.is_file():
        print(f"no such database: {args.database}", file=sys.stderr)
        return 2
    archive_path = args.archive or args.database.with_suffix(".archive.sqlite")
    cutoff = (datetime.now(timezone.utc) - timedelta(days=args.keep_days)).isoformat()

    with closing(sqlite3.connect(args.database, timeout=30)) as src, closing(sqlite3.connect(archive_path)) as dst:
        for table in TABLES:
            ensure_archive_table(src, dst, table)
            moved = archive_table(src, dst, table, cutoff)
            print(f"{table}: archived {moved} row(s) older than {cutoff}")  # ok: OBS001
        if not args.no_vacuum:
            src.execute("VACUUM")
            print("vacuumed", args.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
