"""Smoke-alarm and flue test export for landlords (CSV, one row per property)."""
import csv
import io
import logging
from datetime import date

from flask import Blueprint, Response, abort, request, stream_with_context
from flask_login import current_user, login_required
from sqlalchemy import select, text

from .. import db
from ..models import Property, SmokeTest

bp = Blueprint("landlord_reports", __name__, url_prefix="/landlord/reports")
logger = logging.getLogger(__name__)

HEADER = [
    "Address",
    "Postcode",
    "Last tested",
    "Alarms tested",
    "Alarms passed",
    "Flue draw test",
]


def _latest_smoke_test(property_id):
    return db.session.execute(
        select(SmokeTest)
        .where(SmokeTest.property_id == property_id)
        .order_by(SmokeTest.tested_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def _row_for(prop):
    test = _latest_smoke_test(prop.id)
    if test is None:
        return [prop.address_line, prop.postcode, "never", "", "", ""]
    return [
        prop.address_line,
        prop.postcode,
        test.tested_at.date().isoformat(),
        test.alarms_tested,
        test.alarms_passed,
        "pass" if test.draw_test_passed else "FAIL",
    ]


def _owned_property_ids(postcode_prefix):
    sql = "SELECT id FROM properties WHERE owner_id = :owner"
    if postcode_prefix:
        sql += f" AND postcode LIKE '{postcode_prefix}%'"  # expect: SEC001
    return db.session.execute(text(sql), {"owner": current_user.id}).scalars().all()


@bp.get("/smoke-tests.csv")
@login_required
def smoke_test_export():
    if current_user.role != "landlord":
        abort(403)
    postcode_prefix = request.args.get("postcode", "").strip().upper()
    ids = _owned_property_ids(postcode_prefix)
    props = db.session.execute(
        select(Property).where(Property.id.in_(ids)).order_by(Property.postcode)
    ).scalars().all()

    def generate():
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(HEADER)
        for prop in props:  # expect: DB001
            writer.writerow(_row_for(prop))
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate(0)
        yield buf.getvalue()

    logger.info("landlord %s exported %d properties", current_user.id, len(props))
    filename = f"smoke-tests-{date.today().isoformat()}.csv"
    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
