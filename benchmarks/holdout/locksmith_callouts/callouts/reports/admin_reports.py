"""Dispatcher console reports and bulk tools."""
import logging
from datetime import timedelta

from flask import Blueprint, g, jsonify, request
from sqlalchemy import text

from ..auth import require_role
from ..models import Callout, db, utcnow

logger = logging.getLogger(__name__)
bp = Blueprint("admin_reports", __name__, url_prefix="/api/admin")

LEADERBOARD_SQL = """
SELECT l.id, l.name, COUNT(c.id) AS jobs, COALESCE(SUM(c.fee_cents), 0) AS revenue_cents,
       AVG(EXTRACT(EPOCH FROM (c.accepted_at - c.created_at))) AS avg_accept_seconds
FROM callouts c
JOIN locksmiths l ON l.id = c.locksmith_id
WHERE {where}
GROUP BY l.id, l.name
ORDER BY revenue_cents DESC
LIMIT 50
"""


@bp.get("/reports/leaderboard")
@require_role("dispatcher")
def locksmith_leaderboard():
    city = request.args.get("city", "")
    status = request.args.get("status", "completed")
    days = request.args.get("days", "30")
    if not city:
        return jsonify(error="city is required"), 400

    where = (f"c.city = '{city}' AND c.status = '{status}' "
             f"AND c.created_at > now() - interval '{days} days'")
    rows = db.session.execute(text(LEADERBOARD_SQL.format(where=where))).mappings().all()  # expect: SEC001
    return jsonify(items=[dict(row) for row in rows])


@bp.get("/callouts/search")
@require_role("dispatcher")
def search_callouts():
    term = (request.args.get("q") or "").strip()
    if len(term) < 3:
        return jsonify(error="search term must be at least 3 characters"), 400
    matches = (
        Callout.query.filter(Callout.address.ilike(f"%{term}%"))  # expect: DB006
        .order_by(Callout.created_at.desc())
        .limit(50)
        .all()
    )
    return jsonify(items=[c.to_dict() for c in matches])


@bp.post("/callouts/cancel-abandoned")
@require_role("dispatcher")
def cancel_abandoned():
    """Cancel open jobs older than N hours (customer got back in, stopped answering)."""
    hours = min(int(request.args.get("hours", 6)), 72)
    cutoff = utcnow() - timedelta(hours=hours)
    abandoned = (
        Callout.query.filter(Callout.status == "open", Callout.created_at < cutoff)
        .order_by(Callout.id)
        .limit(500)
        .all()
    )
    for callout in abandoned:
        callout.status = "cancelled"
        db.session.commit()  # expect: DB003

    logger.info("dispatcher=%s cancelled %s abandoned callouts (older than %sh) request_id=%s",
                g.identity_id, len(abandoned), hours, g.request_id)
    return jsonify(cancelled=len(abandoned))
