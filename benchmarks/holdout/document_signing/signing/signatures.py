"""Signing flow: invite signers, show the signing page, record signatures."""
import hashlib
import logging
import secrets
import threading
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request
from sqlalchemy import insert, select, update

from .auth import login_required
from .db import documents, get_engine, signers, webhook_endpoints
from .webhooks import deliver

logger = logging.getLogger(__name__)
bp = Blueprint("signatures", __name__)

MAX_SIGNATURE_BYTES = 200_000


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009


@bp.post("/documents/<uuid:document_id>/send")
@login_required
def send_for_signing(document_id):
    body = request.get_json(silent=True) or {}
    invitees = body.get("signers") or []
    if not 1 <= len(invitees) <= 20:
        return jsonify({"error": "between 1 and 20 signers are required"}), 400
    links = []
    expires = datetime.now(timezone.utc) + timedelta(days=current_app.config["SIGNING_LINK_TTL_DAYS"])
    with get_engine().begin() as conn:
        updated = conn.execute(
            update(documents)
            .where(documents.c.id == document_id, documents.c.owner_id == g.user_id, documents.c.status == "draft")
            .values(status="sent", pending_signers=len(invitees), expires_at=expires)
        ).rowcount
        if not updated:
            return jsonify({"error": "document not found or already sent"}), 404
        for invitee in invitees:
            token = secrets.token_urlsafe(32)  # ok: SEC010
            conn.execute(
                insert(signers).values(
                    document_id=document_id, email=invitee["email"], name=invitee["name"][:200], token_hash=hash_token(token)
                )
            )
            links.append({"email": invitee["email"], "url": f"{current_app.config['PUBLIC_BASE_URL']}/sign/{token}"})
    return jsonify({"links": links}), 201


@bp.get("/sign/<token>")
def signing_page(token: str):
    stmt = (
        select(signers.c.name, signers.c.status, documents.c.title, documents.c.id)
        .join(documents, documents.c.id == signers.c.document_id)
        .where(signers.c.token_hash == hash_token(token))
    )
    with get_engine().connect() as conn:
        row = conn.execute(stmt).mappings().first()
    if row is None:
        abort(404)
    return render_template("sign.html", signer=row)  # ok: SEC016


@bp.post("/sign/<token>")
def complete_signing(token: str):
    svg = (request.get_json(silent=True) or {}).get("signature") or ""
    if not svg.startswith("<svg") or len(svg) > MAX_SIGNATURE_BYTES:
        return jsonify({"error": "a signature image is required"}), 400
    now = datetime.now(timezone.utc)
    with get_engine().begin() as conn:
        signer = conn.execute(select(signers).where(signers.c.token_hash == hash_token(token))).mappings().first()
        if signer is None:
            return jsonify({"error": "signing link not found"}), 404
        marked = conn.execute(
            update(signers)
            .where(signers.c.id == signer["id"], signers.c.status == "pending")  # ok: DB005
            .values(status="signed", signed_at=now, signature_svg=svg, signed_ip=request.remote_addr)
        ).rowcount
        if not marked:
            return jsonify({"error": "this link has already been used"}), 409
        doc = conn.execute(
            select(documents.c.id, documents.c.owner_id, documents.c.pending_signers).where(
                documents.c.id == signer["document_id"]
            )
        ).mappings().one()
        remaining = doc["pending_signers"] - 1
        conn.execute(
            update(documents)
            .where(documents.c.id == doc["id"])
            .values(pending_signers=remaining, status="completed" if remaining == 0 else "partially_signed")  # expect: DB004
        )
        endpoints = conn.execute(
            select(webhook_endpoints.c.url, webhook_endpoints.c.secret).where(
                webhook_endpoints.c.owner_id == doc["owner_id"], webhook_endpoints.c.active.is_(True)
            )
        ).all()
    event = {"document_id": str(doc["id"]), "signer": signer["email"], "remaining": remaining}
    for url, secret in endpoints:
        threading.Thread(target=deliver, args=(url, secret, "signer.completed", event), daemon=True).start()  # expect: CON003, REL005
    logger.info("signer %s completed document %s (%d remaining)", signer["id"], doc["id"], remaining)
    return jsonify({"status": "signed", "remaining": remaining})
