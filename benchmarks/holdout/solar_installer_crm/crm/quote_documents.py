import logging
import os
import subprocess

from flask import Blueprint, abort, g, jsonify, request, send_file
from jinja2 import Environment, FileSystemLoader

from crm.auth import login_required
from crm.db import pool

bp = Blueprint("quote_documents", __name__)
logger = logging.getLogger(__name__)

TEMPLATE_DIR = os.path.join(os.path.dirname(__file__), "templates")
OUTPUT_DIR = os.environ.get("QUOTE_PDF_DIR", "generated_quotes")

_env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=False)  # expect: SEC016


def _load_quote(quote_id: int, rep_id: int) -> dict | None:
    conn = pool().getconn()  # expect: RES001
    cur = conn.cursor()
    cur.execute(
        "SELECT q.id, q.total_cents, q.system_kwp, q.panel_model, q.notes, l.name, l.address"
        " FROM quotes q JOIN leads l ON l.id = q.lead_id WHERE q.id = %s AND q.rep_id = %s",
        (quote_id, rep_id),
    )
    row = cur.fetchone()
    cur.close()
    pool().putconn(conn)
    if row is None:
        return None
    keys = ("id", "total_cents", "system_kwp", "panel_model", "notes", "customer_name", "address")
    return dict(zip(keys, row))


@bp.post("/quotes/<int:quote_id>/pdf")
@login_required
def render_quote_pdf(quote_id: int):
    quote = _load_quote(quote_id, g.rep_id)
    if quote is None:
        abort(404)
    html = _env.get_template("quote.html").render(quote=quote, total=quote["total_cents"] / 100)

    os.makedirs(OUTPUT_DIR, exist_ok=True)
    html_path = os.path.join(OUTPUT_DIR, f"quote-{quote_id}.html")
    with open(html_path, "w", encoding="utf-8") as fh:
        fh.write(html)
    pdf_name = f"{quote['customer_name']}-quote-{quote_id}.pdf"
    pdf_path = os.path.join(OUTPUT_DIR, pdf_name)
    subprocess.run(f"wkhtmltopdf --quiet {html_path} '{pdf_path}'", shell=True, check=True, timeout=60)  # expect: SEC002, SCL002
    os.remove(html_path)

    logger.info("quote %s rendered to %s", quote_id, pdf_name)
    return jsonify(quote_id=quote_id, file=pdf_name), 201


@bp.get("/quotes/files")
@login_required
def download_quote_pdf():
    name = request.args.get("file", "")
    if not name.endswith(".pdf"):
        abort(400)
    return send_file(os.path.join(OUTPUT_DIR, name), mimetype="application/pdf", as_attachment=True)  # expect: SEC015
