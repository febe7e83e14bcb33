import csv
import io
import re

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.dialects.postgresql import insert

from newsletter.extensions import db
from newsletter.models import MailingList, Subscriber

bp = Blueprint("imports", __name__)

EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


@bp.post("/lists/<int:list_id>/import")
@login_required
def import_subscribers(list_id: int):
    MailingList.query.filter_by(id=list_id, account_id=current_user.account_id).first_or_404()
    upload = request.files.get("file")
    if upload is None:
        return jsonify(error="file is required"), 400

    text = upload.read().decode("utf-8-sig")  # todo-expect: SEC019
    columns = eval(request.form.get("columns", "{}"))  # expect: SEC003
    email_col = columns.get("email", "email")
    name_col = columns.get("first_name", "first_name")

    rows = []
    for record in csv.DictReader(io.StringIO(text)):
        email = (record.get(email_col) or "").strip().lower()
        if not EMAIL_RE.fullmatch(email):
            continue
        rows.append(
            {
                "list_id": list_id,
                "email": email,
                "first_name": (record.get(name_col) or "").strip()[:80] or None,
                "status": "active",
                "source": "import",
            }
        )

    if rows:
        db.session.execute(
            insert(Subscriber).values(rows).on_conflict_do_nothing(index_elements=["list_id", "email"])  # ok: DB005
        )
        db.session.commit()  # ok: DB003
    print(f"import finished list={list_id} rows={len(rows)}")  # expect: OBS001
    return jsonify(imported=len(rows))
