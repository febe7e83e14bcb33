"""Passenger manifests (required by the harbour master) rendered to PDF and stored in S3."""
import logging
import subprocess
import tempfile
from pathlib import Path

import boto3
from botocore.config import Config as BotoConfig
from flask import Blueprint, current_app, g, jsonify
from jinja2 import Environment, PackageLoader, select_autoescape

from .auth import login_required
from .db import get_conn

logger = logging.getLogger(__name__)
bp = Blueprint("manifests", __name__, url_prefix="/bookings")

_templates = Environment(
    loader=PackageLoader("charter", "templates"),
    autoescape=select_autoescape(["html"]),  # ok: SEC016
)
_s3 = boto3.client("s3", config=BotoConfig(connect_timeout=3, read_timeout=30, retries={"max_attempts": 3}))

MANIFEST_SQL = """
    SELECT b.id, b.starts_at, b.ends_at, b.customer_id, bo.name AS boat, bo.registration,
           p.full_name AS passenger, p.date_of_birth, p.emergency_contact,
           cm.full_name AS captain
    FROM bookings b
    JOIN boats bo ON bo.id = b.boat_id
    LEFT JOIN passengers p ON p.booking_id = b.id
    LEFT JOIN crew_assignments ca ON ca.booking_id = b.id AND ca.role = 'captain'
    LEFT JOIN crew_members cm ON cm.id = ca.crew_member_id
    WHERE b.id = %s
    ORDER BY p.full_name
"""


def _load_manifest(booking_id):
    with get_conn() as conn:
        rows = conn.execute(MANIFEST_SQL, (booking_id,)).fetchall()  # ok: DB001
    if not rows:
        return None
    head = rows[0]
    return {
        "booking_id": head["id"], "customer_id": head["customer_id"], "boat": head["boat"],
        "registration": head["registration"], "captain": head["captain"],
        "starts_at": head["starts_at"], "ends_at": head["ends_at"],
        "passengers": [r for r in rows if r["passenger"]],
    }


def _render_pdf(manifest, workdir: Path) -> Path:
    html_path = workdir / "manifest.html"
    pdf_path = workdir / "manifest.pdf"
    html_path.write_text(_templates.get_template("manifest.html").render(m=manifest), encoding="utf-8")
    subprocess.run(  # ok: SEC002
        ["wkhtmltopdf", "--quiet", "--page-size", "Letter", str(html_path), str(pdf_path)],
        check=True,
        timeout=60,
        capture_output=True,
    )
    return pdf_path


@bp.post("/<int:booking_id>/manifest")
@login_required
def build_manifest(booking_id):
    manifest = _load_manifest(booking_id)
    is_crew_office = g.user["role"] in ("staff", "admin")
    if manifest is None or (manifest["customer_id"] != g.user["id"] and not is_crew_office):  # ok: SEC018
        return jsonify({"error": "booking not found"}), 404

    bucket = current_app.config["MANIFEST_BUCKET"]
    key = f"manifests/{booking_id}/manifest-{manifest['starts_at']:%Y%m%d}.pdf"
    with tempfile.TemporaryDirectory(prefix="manifest-") as tmp:
        try:
            pdf = _render_pdf(manifest, Path(tmp))
        except subprocess.CalledProcessError as exc:
            logger.error("wkhtmltopdf failed booking=%s stderr=%s", booking_id, exc.stderr[-500:], exc_info=True)
            return jsonify({"error": "could not render manifest"}), 502
        except subprocess.TimeoutExpired:
            logger.error("wkhtmltopdf timed out booking=%s", booking_id, exc_info=True)
            return jsonify({"error": "manifest rendering timed out"}), 504
        _s3.upload_file(str(pdf), bucket, key, ExtraArgs={"ContentType": "application/pdf"})  # ok: SCL002

    url = _s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=900)
    logger.info("manifest built booking=%s key=%s user=%s", booking_id, key, g.user["id"])
    return jsonify({"url": url, "passengers": len(manifest["passengers"])})
