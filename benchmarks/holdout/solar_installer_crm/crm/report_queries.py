import logging
from datetime import date, timedelta

from jinja2 import Environment, FileSystemLoader, select_autoescape

from crm.db import get_conn

logger = logging.getLogger(__name__)

_env = Environment(
    loader=FileSystemLoader("crm/templates"),
    autoescape=select_autoescape(["html"]),  # ok: SEC016
)

JOBS_BY_STATUS_SQL = """
    SELECT status, COUNT(*), COALESCE(SUM(system_kwp), 0)
    FROM install_jobs
    WHERE created_at >= %s AND created_at < %s
    GROUP BY status
"""

REP_SALES_SQL = """
    SELECT r.id, r.name, COUNT(q.id), COALESCE(SUM(q.total_cents), 0)
    FROM sales_reps r
    LEFT JOIN quotes q ON q.rep_id = r.id AND q.signed_at >= %s AND q.signed_at < %s
    GROUP BY r.id, r.name
    ORDER BY 4 DESC
"""

COMPLETED_JOBS_SQL = """
    SELECT j.id, l.zip, j.system_kwp, j.completed_at
    FROM install_jobs j JOIN leads l ON l.id = j.lead_id
    WHERE j.completed_at >= %s AND j.completed_at < %s
    ORDER BY j.completed_at
"""


def _previous_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1)
    start = (end - timedelta(days=1)).replace(day=1)
    return start, end


def build_monthly_report(today: date | None = None) -> int:
    start, end = _previous_month(today or date.today())
    with get_conn() as conn:
        with conn.cursor() as cur:
            cur.execute(JOBS_BY_STATUS_SQL, (start, end))
            by_status = cur.fetchall()  # ok: RES003
            cur.execute(REP_SALES_SQL, (start, end))
            by_rep = cur.fetchall()

        kwp_by_zip: dict[str, float] = {}
        with conn.cursor(name="monthly_completed_jobs") as stream:
            stream.itersize = 2000
            stream.execute(COMPLETED_JOBS_SQL, (start, end))
            for _job_id, zip_code, kwp, _completed_at in stream:  # ok: RES003
                prefix = (zip_code or "")[:3]
                kwp_by_zip[prefix] = kwp_by_zip.get(prefix, 0.0) + float(kwp)

        html = _env.get_template("monthly_report.html").render(
            period_start=start,
            by_status=by_status,
            by_rep=by_rep,
            kwp_by_zip=sorted(kwp_by_zip.items(), key=lambda kv: kv[1], reverse=True)[:20],
        )
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO monthly_reports (period_start, html) VALUES (%s, %s)"
                " ON CONFLICT (period_start) DO UPDATE SET html = EXCLUDED.html, created_at = now()"
                " RETURNING id",
                (start, html),
            )
            report_id = cur.fetchone()[0]
    logger.info("monthly report %s built for %s", report_id, start.isoformat())
    return report_id
