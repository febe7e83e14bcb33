"""Player waivers: signing from the booking e-mail link, PDF copy, download."""
import logging
import os
import subprocess
import threading
from datetime import datetime, timezone

import requests
from flask import Blueprint, current_app, jsonify, render_template, request, send_file

from escape.db import get_conn
from escape.tokens import LinkError, read_waiver_link

logger = logging.getLogger("escape.waivers")
bp = Blueprint("waivers", __name__)

WAIVER_DIR = os.environ.get("WAIVER_DIR", "/var/lib/escape/waivers")


def _email_waiver(app, to: str, player: str, pdf_path: str) -> None:
    with app.app_context():
        cfg = app.config
        with open(pdf_path, "rb") as fh:
            resp = requests.post(
                cfg["MAIL_API_URL"],
                headers={"Authorization": f"Bearer {cfg['MAIL_API_KEY']}"},
                data={"to": to, "subject": f"Your waiver, {player}", "template": "waiver-copy"},
                files={"attachment": (os.path.basename(pdf_path), fh, "application/pdf")},
                timeout=cfg["HTTP_TIMEOUT"],
            )
        if resp.status_code >= 400:
            logger.warning("waiver e-mail to %s failed with %s", to, resp.status_code)


@bp.post("/waivers/<token>")
def sign_waiver(token: str):
    try:
        booking_id, venue_id = read_waiver_link(token)
    except LinkError as exc:
        return jsonify(error="Forbidden", detail=str(exc)), 403
    form = request.form
    player = form.get("player_name", "").strip()
    email = form.get("email", "").strip()
    if not player or form.get("accept") != "yes":
        return jsonify(error="Bad Request", detail="Name and acceptance are required."), 400

    signed_at = datetime.now(timezone.utc)
    html = render_template("waiver.html", player=player, booking_id=booking_id, signed_at=signed_at)
    html_path = os.path.join(WAIVER_DIR, f"{booking_id}-{player}.html")  # expect: SEC015
    pdf_path = html_path[:-5] + ".pdf"
    with open(html_path, "w", encoding="utf-8") as fh:  # expect: SCL002
        fh.write(html)
    subprocess.run(
        f"{current_app.config['WKHTMLTOPDF']} --quiet '{html_path}' '{pdf_path}'",  # expect: SEC002
        shell=True,
        check=True,
        timeout=current_app.config["PDF_TIMEOUT_SECONDS"],
    )
    os.remove(html_path)

    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO waivers (booking_id, player_name, player_email, signed_at, pdf_path) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (booking_id, player, email, signed_at, pdf_path),
        )
        waiver_id = cur.fetchone()[0]

    if email:
        app = current_app._get_current_object()
        threading.Thread(target=_email_waiver, args=(app, email, player, pdf_path), daemon=True).start()  # expect: CON003, REL005
    logger.info("waiver %s signed for booking %s at venue %s", waiver_id, booking_id, venue_id)
    return jsonify(waiver_id=waiver_id, status="signed"), 201


@bp.get("/waivers/file")
def waiver_file():
    name = request.args.get("name", "")
    path = os.path.join(WAIVER_DIR, name)  # expect: SEC015, SEC018
    if not os.path.isfile(path):
        return jsonify(error="Not Found", detail="No such waiver."), 404
    return send_file(path, mimetype="application/pdf", as_attachment=True)
