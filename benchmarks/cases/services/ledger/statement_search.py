"""Account statement search for the support console: find ledger entries by memo and date range."""
import logging
from datetime import date

from flask import Blueprint, jsonify, request

from .auth import require_staff
from .db import get_conn

logger = logging.getLogger(__name__)

search_bp = Blueprint("statement_search", __name__, url_prefix="/statements")


def _parse_date(value, default):
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@search_bp.route("/<int:account_id>/search")
@require_staff
def search_entries(account_id):
    memo = request.args.get("memo", "")
    start = _parse_date(request.args.get("from"), date(2000, 1, 1))
    end = _parse_date(request.args.get("to"), date.today())
    sort = request.args.get("sort", "posted_at")

    sql = (
        "SELECT id, posted_at, amount, memo, counterparty FROM ledger_entries "
        f"WHERE account_id = {account_id} AND posted_at BETWEEN '{start}' AND '{end}' "
        f"AND memo ILIKE '%{memo}%' ORDER BY {sort} DESC"  # todo-expect: DB006
    )
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(sql)  # expect: SEC001
        rows = cur.fetchall()  # expect: DB002

    logger.info("statement search on account %s returned %s rows", account_id, len(rows))
    return jsonify(
        [
            {
                "id": r[0],
                "posted_at": r[1].isoformat(),
                "amount": str(r[2]),
                "memo": r[3],
                "counterparty": r[4],
            }
            for r in rows
        ]
    )
