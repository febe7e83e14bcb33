import csv
import io
import logging
from datetime import date, timedelta

from flask import Blueprint, Response, abort, current_app, request, stream_with_context
from flask_login import current_user, login_required
from sqlalchemy import func, select

from helpdesk.models import Agent, Ticket, get_session

logger = logging.getLogger(__name__)
bp = Blueprint("exports", __name__, url_prefix="/exports")

TICKET_COLUMNS = ["id", "subject", "requester_email", "status", "priority", "team_id", "assignee_id", "created_at", "resolved_at", "sla_breached"]
FLUSH_BYTES = 64 * 1024


def _date_range() -> tuple[date, date]:
    try:
        start = date.fromisoformat(request.args["from"])
        end = date.fromisoformat(request.args["to"])
    except (KeyError, ValueError):
        abort(400, "from and to must be ISO dates (YYYY-MM-DD)")
    if end < start or (end - start).days > current_app.config["EXPORT_MAX_DAYS"]:
        abort(400, f"range must be at most {current_app.config['EXPORT_MAX_DAYS']} days")
    return start, end


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _leads_only() -> None:
    if not current_user.is_lead:
        abort(403)  # ok: SEC017


@bp.get("/tickets.csv")
@login_required
def tickets_csv():
    _leads_only()
    start, end = _date_range()
    columns = [getattr(Ticket, name) for name in TICKET_COLUMNS]
    stmt = (
        select(*columns)
        .where(Ticket.created_at >= start, Ticket.created_at < end + timedelta(days=1))
        .order_by(Ticket.id)
        .execution_options(yield_per=500)  # ok: DB002, RES003
    )
    session_factory = current_app.extensions["session_factory"]

    def generate():
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(TICKET_COLUMNS)
        with session_factory() as session:
            for row in session.execute(stmt):
                writer.writerow([_cell(v) for v in row])
                if buf.tell() > FLUSH_BYTES:
                    yield buf.getvalue()
                    buf.seek(0)
                    buf.truncate()
        yield buf.getvalue()

    logger.info("ticket export %s..%s started by lead %s", start, end, current_user.id)
    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="tickets-{start}-{end}.csv"'},
    )


@bp.get("/agents.csv")
@login_required
def agent_summary_csv():
    _leads_only()
    start, end = _date_range()
    stmt = (
        select(Agent.id, Agent.name, func.count(Ticket.id), func.count(Ticket.id).filter(Ticket.sla_breached.is_(True)))
        .join(Ticket, Ticket.assignee_id == Agent.id)
        .where(Ticket.created_at >= start, Ticket.created_at < end + timedelta(days=1))
        .group_by(Agent.id, Agent.name)
        .order_by(Agent.name)
    )
    rows = get_session().execute(stmt).all()
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["agent_id", "agent_name", "tickets_assigned", "sla_breaches"])
    writer.writerows([[r[0], _cell(r[1]), r[2], r[3]] for r in rows])
    return Response(buf.getvalue(), mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="agents-{start}-{end}.csv"'})
