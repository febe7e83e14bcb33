"""Service contract PDF: the 'summary of contract' Ofcom requires before a customer commits."""
import io
import logging
import os
import subprocess
import tempfile
from pathlib import Path

from flask import Blueprint, abort, render_template, send_file
from flask_login import current_user, login_required

from signup.db import connection

log = logging.getLogger(__name__)
bp = Blueprint("contracts", __name__, url_prefix="/contracts")

WKHTMLTOPDF = os.environ.get("WKHTMLTOPDF_BIN", "/usr/bin/wkhtmltopdf")
RENDER_TIMEOUT = 60


def render_pdf(html: str) -> bytes:
    """Render HTML to PDF in a private temp dir that is removed whatever happens."""
    with tempfile.TemporaryDirectory(prefix="contract-") as workdir:
        html_path = Path(workdir, "contract.html")
        pdf_path = Path(workdir, "contract.pdf")
        html_path.write_text(html, encoding="utf-8")
        result = subprocess.run(  # ok: SEC002
            [WKHTMLTOPDF, "--quiet", "--page-size", "A4", "--disable-local-file-access", str(html_path), str(pdf_path)],
            capture_output=True,
            timeout=RENDER_TIMEOUT,
        )
        if result.returncode != 0:
            raise RuntimeError(f"wkhtmltopdf exited {result.returncode}: {result.stderr.decode(errors='replace')[:500]}")
        return pdf_path.read_bytes()  # ok: RES001


@bp.get("/<int:subscription_id>/summary.pdf")
@login_required
def contract_summary(subscription_id: int):
    with connection() as conn:
        contract = conn.execute(  # ok: SEC018
            "SELECT s.id, s.started_on, s.minimum_term_months, pl.name AS plan, pl.monthly_pence, pl.down_mbps, "
            "pl.up_mbps, c.name, c.account_number FROM subscriptions s "
            "JOIN plans pl ON pl.id = s.plan_id JOIN customers c ON c.id = s.customer_id "
            "WHERE s.id = %s AND s.customer_id = %s",
            (subscription_id, current_user.id),
        ).fetchone()
    if contract is None:
        abort(404)

    html = render_template("contract_summary.html", contract=contract)
    try:
        pdf = render_pdf(html)
    except (subprocess.TimeoutExpired, RuntimeError):
        log.exception("contract summary render failed for subscription %s", subscription_id)
        abort(503)

    log.info("contract summary for subscription %s rendered for customer %s", subscription_id, current_user.id)
    return send_file(
        io.BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"wildmoor-contract-{contract['account_number']}.pdf",
    )
