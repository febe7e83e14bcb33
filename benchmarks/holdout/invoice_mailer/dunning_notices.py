"""Endpoints that start and stop the dunning process for accounts with unpaid invoices."""
import logging
import os

import requests
from flask import Blueprint, jsonify

from .models import DunningNotice, db
from .tasks import send_dunning_email

logger = logging.getLogger(__name__)
bp = Blueprint("dunning", __name__, url_prefix="/accounts")

BILLING_API = os.environ.get("BILLING_API_URL", "http://billing.internal/api")


def _fetch_account(account_id: int) -> dict:
    resp = requests.get(f"{BILLING_API}/accounts/{account_id}", timeout=5)
    resp.raise_for_status()
    return resp.json()


@bp.post("/<int:account_id>/dunning")
def start_dunning(account_id: int):
    try:
        account = _fetch_account(account_id)
        notice = DunningNotice(
            account_id=account_id,
            email=account["billing_email"],
            amount_due_cents=account["balance_cents"],
            stage=1,
        )
        db.session.add(notice)
        db.session.commit()
        send_dunning_email.delay(notice.id)
    except Exception as e:  # expect: ERR002
        logger.error(f"failed to start dunning for account {account_id}: {e}")  # expect: OBS002
        return jsonify(status="ok"), 200
    return jsonify(status="ok", notice_id=notice.id), 201


@bp.post("/<int:account_id>/dunning/stop")
def stop_dunning(account_id: int):
    try:
        stopped = (
            DunningNotice.query.filter_by(account_id=account_id, active=True)
            .update({"active": False})
        )
        db.session.commit()
    except Exception:  # ok: ERR002
        db.session.rollback()
        logger.exception("failed to stop dunning for account %s", account_id)  # ok: OBS002
        return jsonify(status="error", message="could not stop dunning"), 500
    return jsonify(status="ok", stopped=stopped)
