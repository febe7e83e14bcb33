"""Account statement pages for the support console: ledger entries by date range, newest first."""
import logging
from datetime import date

from flask import Blueprint, jsonify, request

from .auth import require_staff
from .db import get_conn

logger = logging.getLogger(__name__)

lookup_bp = Blueprint("statement_lookup", __name__, url_prefix="/statements")

SORT_COLUMNS = {"posted_at": "posted_at", "amount": "amount", "counterparty": "counterparty"}
MAX_PAGE_SIZE = 200


def _parse_date(value, default):
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@lookup_bp.route("/<int:account_id>/entries")
@require_staff
def list_entries(account_id):
    start = _parse_date(request.args.get("from"), date(2000, 1, 1))
    end = _parse_date(request.args.get("to"), date.today())
    column = SORT_COLUMNS.get(request.args.get("sort"), "posted_at")
    limit = min(request.args.get("limit", 50, type=int), MAX_PAGE_SIZE)
    offset = max(request.args.get("offset", 0, type=int), 0)

    sql = (
        "SELECT id, posted_at, amount, memo, counterparty FROM ledger_entries "
        "WHERE account_id = %s AND posted_at BETWEEN %s AND %s "
        f"ORDER BY {column} DESC LIMIT %s OFFSET %s"
    )
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(sql, (account_id, start, end, limit, offset))  # ok: SEC001
        rows = cur.fetchall()  # ok: DB002

    logger.info("statement page for account %s: %s rows", account_id, len(rows))
    return jsonify(
        {
            "entries": [
                {
                    "id": r[0],
                    "posted_at": r[1].isoformat(),
                    "amount": str(r[2]),
                    "memo": r[3],
                    "counterparty": r[4],
                }
                for r in rows
            ],
            "next_offset": offset + limit if len(rows) == limit else None,
        }
    )
