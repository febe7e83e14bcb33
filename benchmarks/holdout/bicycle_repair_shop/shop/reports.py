"""Staff reports: revenue export and the per-mechanic workload summary."""
import csv
import logging
import os
from datetime import date

from flask import Blueprint, abort, current_app, jsonify, request, send_file
from flask_login import current_user, login_required
from sqlalchemy import func, select, text

from . import db
from .models import Ticket, User

bp = Blueprint("reports", __name__)
log = logging.getLogger(__name__)

SORTABLE = {"issued_at": "i.issued_at", "total": "i.total_cents", "customer": "c.name"}


def _parse_day(value: str | None, default: date) -> str:
    if not value:
        return default.isoformat()
    return value


@bp.get("/revenue")
@login_required
def revenue_export():
    if not current_user.is_staff:
        abort(403)
    start = _parse_day(request.args.get("from"), date.today().replace(day=1))
    end = _parse_day(request.args.get("to"), date.today())
    order_by = SORTABLE.get(request.args.get("sort", "issued_at"), "i.issued_at")

    sql = (
        "SELECT i.id, c.name, i.total_cents, i.status, i.issued_at "
        "FROM invoice i JOIN customer c ON c.id = i.customer_id "
        f"WHERE i.issued_at >= '{start}' AND i.issued_at < '{end}' "
        f"ORDER BY {order_by}"
    )
    rows = db.session.execute(text(sql)).fetchall()  # expect: SEC001, DB002

    path = os.path.join(current_app.config["EXPORT_DIR"], f"revenue_{start}_{end}.csv")
    with open(path, "w", newline="") as fh:  # expect: SCL002, SEC015
        writer = csv.writer(fh)
        writer.writerow(["invoice", "customer", "total_cents", "status", "issued_at"])
        for row in rows:
            writer.writerow(list(row))
    log.info("user %s exported %d invoice rows to %s", current_user.id, len(rows), path)
    return jsonify(download=f"/staff/reports/files/{os.path.basename(path)}", rows=len(rows))


@bp.get("/files/<path:name>")
@login_required
def download(name: str):  # expect: SEC018
    return send_file(os.path.join(current_app.config["EXPORT_DIR"], name), as_attachment=True)  # expect: SEC015


@bp.get("/workload")
@login_required
def workload():
    if not current_user.is_staff:
        abort(403)
    counts = db.session.execute(
        select(User.id, User.email, func.count(Ticket.id))
        .join(Ticket, Ticket.mechanic_id == User.id)
        .where(Ticket.status.in_(("diagnosed", "waiting_parts", "in_repair")))
        .group_by(User.id, User.email)
        .order_by(func.count(Ticket.id).desc())
    ).all()
    return jsonify([{"mechanic_id": i, "email": e, "open_tickets": n} for i, e, n in counts])
