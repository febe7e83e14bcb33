"""Recruitment dashboard for trial monitors: one aggregated query per page."""
import logging

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from trials.auth import CurrentUser, require_role
from trials.db import get_session

log = logging.getLogger(__name__)
router = APIRouter(prefix="/trials/{trial_id}/reports", tags=["reports"])

# Sort keys accepted from the client, mapped to fixed SQL expressions.
SORT_COLUMNS = {
    "site": "s.name",
    "enrolled": "ts.enrolled_count",
    "target_gap": "(ts.target_count - ts.enrolled_count)",
    "screen_fail_rate": "screen_fail_rate",
}

_REPORT_SQL = """
    SELECT s.id AS site_id,
           s.name AS site_name,
           ts.target_count,
           ts.enrolled_count,
           COALESCE(sl.screened, 0) AS screened,
           COALESCE(sl.failed, 0) AS screen_failures,
           CASE WHEN COALESCE(sl.screened, 0) = 0 THEN 0
                ELSE ROUND(sl.failed::numeric / sl.screened, 3) END AS screen_fail_rate
    FROM trial_sites ts
    JOIN sites s ON s.id = ts.site_id
    LEFT JOIN (
        SELECT site_id, COUNT(*) AS screened, COUNT(*) FILTER (WHERE NOT eligible) AS failed
        FROM screening_log
        WHERE trial_id = :trial_id
        GROUP BY site_id
    ) sl ON sl.site_id = ts.site_id
    WHERE ts.trial_id = :trial_id
    ORDER BY {order_by} {direction}, s.id
    LIMIT :limit OFFSET :offset
"""


@router.get("/sites")
async def site_recruitment(
    trial_id: int,
    sort: str = Query("site"),
    descending: bool = False,
    page: int = Query(1, ge=1),
    per_page: int = Query(25, ge=1, le=100),
    user: CurrentUser = Depends(require_role("monitor", "sponsor_viewer")),
    session: AsyncSession = Depends(get_session),
) -> dict:
    if trial_id not in user.trial_ids:
        raise HTTPException(403, "not assigned to this trial")
    order_by = SORT_COLUMNS.get(sort)
    if order_by is None:
        raise HTTPException(422, f"sort must be one of {sorted(SORT_COLUMNS)}")
    sql = text(_REPORT_SQL.format(order_by=order_by, direction="DESC" if descending else "ASC"))  # ok: SEC001
    result = await session.execute(
        sql, {"trial_id": trial_id, "limit": per_page, "offset": (page - 1) * per_page}
    )
    rows = [dict(r) for r in result.mappings().all()]  # ok: DB002
    log.info("site report for trial %s page %s served to %s", trial_id, page, user.subject)
    return {"trial_id": trial_id, "page": page, "per_page": per_page, "sites": rows}
