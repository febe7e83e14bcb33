"""Route-completion report for the morning briefing: which routes were treated, when and by whom."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta, timezone

from sanic import Blueprint
from sanic.exceptions import BadRequest
from sanic.response import json
from tortoise import connections

from dispatch.auth import require_role
from dispatch.models import RouteRun

logger = logging.getLogger(__name__)

bp = Blueprint("reports", url_prefix="/reports")

SORT_COLUMNS = {
    "route": "r.code",
    "priority": "r.priority, r.code",
    "completed": "rr.completed_at",
    "salt": "rr.salt_used_tonnes DESC",
}
MAX_PER_PAGE = 200

COMPLETION_SQL = """
SELECT r.code AS route, r.name, r.priority, t.registration AS truck, d.full_name AS driver,
       rr.status, rr.started_at, rr.completed_at, rr.salt_used_tonnes
FROM routerun rr
JOIN route r ON r.id = rr.route_id
JOIN truck t ON t.id = rr.truck_id
JOIN driver d ON d.id = rr.driver_id
WHERE rr.started_at >= $1 AND rr.started_at < $2 AND r.depot_id = $3
ORDER BY {order_by}
LIMIT $4 OFFSET $5
"""


def _day_window(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(hour=12), tzinfo=timezone.utc) - timedelta(days=1)
    return start, start + timedelta(days=1)


async def completion_rows(day: date, depot_id: int, sort: str, page: int, per_page: int) -> list[dict]:
    order_by = SORT_COLUMNS.get(sort, SORT_COLUMNS["route"])
    start, end = _day_window(day)
    sql = COMPLETION_SQL.format(order_by=order_by)  # ok: SEC001
    params = [start, end, depot_id, per_page, (page - 1) * per_page]
    return await connections.get("default").execute_query_dict(sql, params)


async def depot_summary(day: date, depot_id: int) -> dict:
    start, end = _day_window(day)
    runs = await RouteRun.filter(
        started_at__gte=start, started_at__lt=end, route__depot_id=depot_id
    ).prefetch_related("route")
    treated = {run.route.code for run in runs if run.status == "completed"}  # ok: DB001
    salt = sum((run.salt_used_tonnes for run in runs), start=0)
    return {"routes_treated": len(treated), "runs": len(runs), "salt_tonnes": str(salt)}


@bp.get("/route-completion")
@require_role("dispatcher", "depot_manager")
async def route_completion(request):
    try:
        day = date.fromisoformat(request.args.get("day", date.today().isoformat()))
        page = max(int(request.args.get("page", 1)), 1)
        per_page = min(max(int(request.args.get("per_page", 100)), 1), MAX_PER_PAGE)
    except ValueError as exc:
        raise BadRequest("day must be YYYY-MM-DD, page and per_page numbers") from exc

    depot_id = request.ctx.user["depot_id"]
    rows = await completion_rows(day, depot_id, request.args.get("sort", "route"), page, per_page)
    summary = await depot_summary(day, depot_id)
    for row in rows:
        for key in ("started_at", "completed_at"):
            row[key] = row[key].isoformat() if row[key] else None
        row["salt_used_tonnes"] = str(row["salt_used_tonnes"])
    logger.info("route completion report for depot %s on %s, page %d", depot_id, day, page)
    return json({"day": day.isoformat(), "page": page, "summary": summary, "runs": rows})
