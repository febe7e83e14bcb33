"""Seller-facing API: balance, ledger, payouts and API keys."""

import datetime as dt
import hashlib
import logging
import random
import string
from functools import wraps

from flask import Blueprint, abort, g, jsonify, request
from redis.exceptions import RedisError
from rq import Retry
from sqlalchemy import select, text

from .db import get_session
from .jobs import payout_queue, run_payout
from .models import ApiKey, BalanceEntry, Payout, Seller

log = logging.getLogger(__name__)
bp = Blueprint("sellers", __name__, url_prefix="/api")


def require_seller(view):
    @wraps(view)
    def wrapper(seller_id, *args, **kwargs):
        raw = request.headers.get("X-Api-Key", "")
        if not raw:
            abort(401)
        key_hash = hashlib.sha256(raw.encode()).hexdigest()
        key = get_session().scalar(select(ApiKey).where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None)))
        if key is None or key.seller_id != seller_id:
            abort(403)
        g.seller_id = seller_id
        return view(seller_id, *args, **kwargs)
    return wrapper


def _entry(e: BalanceEntry) -> dict:
    return {"id": e.id, "amount_cents": e.amount_cents, "kind": e.kind, "reference": e.reference,
            "created_at": e.created_at.isoformat()}


@bp.get("/sellers/<int:seller_id>/balance")
@require_seller
def balance(seller_id):
    seller = get_session().get(Seller, seller_id)
    return jsonify(available_cents=seller.available_cents, pending_cents=seller.pending_cents, currency=seller.currency)


@bp.get("/sellers/<int:seller_id>/ledger")
@require_seller
def ledger(seller_id):
    stmt = select(BalanceEntry).where(BalanceEntry.seller_id == seller_id).order_by(BalanceEntry.id.desc())
    entries = get_session().scalars(stmt).all()  # expect: DB002
    return jsonify(entries=[_entry(e) for e in entries])


@bp.get("/sellers/<int:seller_id>/payouts")
@require_seller
def list_payouts(seller_id):
    limit = max(1, min(request.args.get("limit", 50, type=int), 200))
    stmt = select(Payout).where(Payout.seller_id == seller_id)
    before = request.args.get("before", type=int)
    if before:
        stmt = stmt.where(Payout.id < before)
    rows = get_session().scalars(stmt.order_by(Payout.id.desc()).limit(limit))  # ok: DB002
    return jsonify(payouts=[{"id": p.id, "amount_cents": p.amount_cents, "status": p.status,
                             "created_at": p.created_at.isoformat()} for p in rows])


@bp.post("/sellers/<int:seller_id>/payouts")
@require_seller
def request_payout(seller_id):
    job_id = f"payout-{seller_id}-{dt.date.today():%Y%m%d}"
    try:
        payout_queue.enqueue(run_payout, seller_id, job_id=job_id, retry=Retry(max=3, interval=[30, 120, 600]))
    except RedisError:
        log.exception("could not enqueue payout for seller %s", seller_id)
        return jsonify(status="queued", job_id=job_id), 202  # expect: ERR002
    return jsonify(status="queued", job_id=job_id), 202


@bp.post("/sellers/<int:seller_id>/api-keys")
@require_seller
def create_api_key(seller_id):
    raw = "sk_" + "".join(random.choices(string.ascii_letters + string.digits, k=40))  # expect: SEC010
    session = get_session()
    session.add(ApiKey(seller_id=seller_id, prefix=raw[:10], key_hash=hashlib.sha256(raw.encode()).hexdigest()))
    session.commit()
    return jsonify(api_key=raw, prefix=raw[:10]), 201


@bp.get("/admin/sellers/lookup")
def admin_lookup():  # todo-expect: SEC018
    email = request.args.get("email", "").strip().lower()
    if not email:
        return jsonify(error="email is required"), 400
    rows = get_session().execute(
        text(f"SELECT id, name, email, available_cents, pending_cents, status FROM sellers WHERE email = '{email}'")  # expect: SEC001
    ).mappings().all()
    return jsonify(sellers=[dict(row) for row in rows])
