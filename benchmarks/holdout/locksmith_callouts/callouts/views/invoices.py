"""Customer invoices: list, detail and PDF download."""
import logging

from flask import Blueprint, current_app, g, jsonify, request, send_from_directory

from ..auth import require_customer
from ..models import Callout, Invoice, db

logger = logging.getLogger(__name__)
bp = Blueprint("invoices", __name__, url_prefix="/api/invoices")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _page_args() -> tuple[int, int]:
    try:
        page = max(int(request.args.get("page", 1)), 1)
        size = min(max(int(request.args.get("per_page", DEFAULT_PAGE_SIZE)), 1), MAX_PAGE_SIZE)
    except ValueError:
        page, size = 1, DEFAULT_PAGE_SIZE
    return page, size


def _invoice_json(invoice: Invoice, callout: Callout) -> dict:
    return {
        "id": invoice.id,
        "number": invoice.number,
        "total_cents": invoice.total_cents,
        "issued_at": invoice.issued_at.isoformat(),
        "callout": {"id": callout.id, "address": callout.address, "lockout_type": callout.lockout_type},
    }


@bp.get("")
@require_customer
def list_invoices():
    page, size = _page_args()
    rows = db.session.execute(
        db.select(Invoice, Callout)
        .join(Callout, Callout.id == Invoice.callout_id)
        .where(Invoice.customer_id == g.identity_id)
        .order_by(Invoice.issued_at.desc())
        .offset((page - 1) * size)
        .limit(size)  # ok: DB002
    ).all()
    return jsonify(items=[_invoice_json(inv, callout) for inv, callout in rows], page=page, per_page=size)


def _owned_invoice(invoice_id: int) -> tuple[Invoice, Callout] | None:
    return db.session.execute(
        db.select(Invoice, Callout)
        .join(Callout, Callout.id == Invoice.callout_id)
        .where(Invoice.id == invoice_id, Invoice.customer_id == g.identity_id)  # ok: SEC018
    ).first()


@bp.get("/<int:invoice_id>")
@require_customer
def get_invoice(invoice_id: int):
    row = _owned_invoice(invoice_id)
    if row is None:
        return jsonify(error="not found"), 404
    invoice, callout = row
    return jsonify(_invoice_json(invoice, callout))


@bp.get("/<int:invoice_id>/pdf")
@require_customer
def download_invoice(invoice_id: int):
    row = _owned_invoice(invoice_id)
    if row is None:
        return jsonify(error="not found"), 404
    invoice, _ = row
    logger.info("invoice download id=%s customer=%s request_id=%s", invoice.id, g.identity_id, g.request_id)
    return send_from_directory(  # ok: SEC015
        current_app.config["INVOICE_DIR"],
        f"{invoice.number}.pdf",
        mimetype="application/pdf",
        as_attachment=True,
    )
