"""Public coverage API behind the postcode widget on the marketing site.

Read-only apart from 'register interest', which takes an email and nothing else.
"""
import logging
import re
import threading

import requests
from cachetools import TTLCache
from flask import Blueprint, current_app, jsonify, request

from signup.db import connection

log = logging.getLogger(__name__)
bp = Blueprint("coverage", __name__, url_prefix="/api/coverage")

POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
_wholesale_cache: TTLCache = TTLCache(maxsize=5000, ttl=3600)  # ok: RES002
_cache_lock = threading.Lock()


def _wholesale_summary(postcode: str) -> dict | None:
    """Wholesaler's per-postcode summary, or None if they're unreachable right now."""
    with _cache_lock:
        cached = _wholesale_cache.get(postcode)
    if cached is not None:
        return cached
    try:
        resp = requests.get(
            f"{current_app.config['WHOLESALE_API_URL']}/postcodes/{postcode}/summary",
            headers={"X-Api-Key": current_app.config["WHOLESALE_API_KEY"]},
            timeout=(3, 5),
            verify=current_app.config["WHOLESALE_CA_BUNDLE"],  # ok: SEC011
        )
        resp.raise_for_status()
    except requests.RequestException as exc:
        log.warning("wholesale summary for %s unavailable: %r", postcode, exc)
        return None
    summary = {"fttp": resp.json().get("fttp_premises", 0) > 0}
    with _cache_lock:
        _wholesale_cache[postcode] = summary  # ok: CON002
    return summary


@bp.get("/<postcode>")
def coverage_for_postcode(postcode: str):
    postcode = postcode.strip().upper()
    if not POSTCODE_RE.match(postcode):
        return jsonify(error="not a UK postcode"), 400
    street = request.args.get("street", "").strip()[:60]
    with connection() as conn:
        rows = conn.execute(  # ok: SEC001
            "SELECT technology, max(max_down_mbps) AS best, count(*) AS premises FROM premises "
            "WHERE postcode = %s AND address_line ILIKE %s AND serviceable GROUP BY technology",  # ok: DB006
            (postcode, f"%{street}%"),
        ).fetchall()
    ours = {row["technology"]: {"best_mbps": row["best"], "premises": row["premises"]} for row in rows}
    wholesale = None if ours else _wholesale_summary(postcode)
    return jsonify(
        postcode=postcode,
        coverage=ours,
        wholesale_fttp=None if wholesale is None else wholesale["fttp"],
        status="covered" if ours else ("unknown" if wholesale is None else "enquire"),
    )


@bp.post("/interest")
def register_interest():
    body = request.get_json(silent=True) or {}
    email = str(body.get("email", "")).strip().lower()
    postcode = str(body.get("postcode", "")).strip().upper()
    if "@" not in email or len(email) > 254 or not POSTCODE_RE.match(postcode):
        return jsonify(error="email and postcode are required"), 400
    with connection() as conn:
        conn.execute(
            "INSERT INTO coverage_interest (email, postcode) VALUES (%s, %s) "
            "ON CONFLICT (email, postcode) DO NOTHING",
            (email, postcode),
        )
    log.info("coverage interest registered for %s", postcode)
    return jsonify(status="registered"), 201
