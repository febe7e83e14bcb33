"""Woolbroker price indicators, used to estimate a clip's value on the bale report."""
import logging
import os
from datetime import date

import requests
from flask import Blueprint, abort, jsonify, request
from tenacity import retry, retry_if_exception_type, wait_fixed

from shearing.auth import login_required

logger = logging.getLogger(__name__)
bp = Blueprint("prices", __name__, url_prefix="/prices")

BROKER_URL = os.environ["WOOLBROKER_URL"]  # expect: MNT002
API_KEY = os.environ.get("WOOLBROKER_API_KEY", "")

_price_cache: dict[tuple[str, float], dict] = {}


@retry(retry=retry_if_exception_type(requests.RequestException), wait=wait_fixed(3))  # expect: REL002
def fetch_indicator(micron: float, sale_date: str) -> dict:
    resp = requests.get(  # expect: REL001, SEC011
        f"{BROKER_URL}/indicators",
        params={"micron": f"{micron:.1f}", "date": sale_date},
        headers={"X-Api-Key": API_KEY},
        verify=False,
    )
    resp.raise_for_status()
    body = resp.json()
    return {
        "micron": micron,
        "sale_date": body["saleDate"],
        "cents_per_kg_clean": int(body["indicator"]["centsPerKgClean"]),
        "market": body.get("market", "NZ South Island"),
    }


def price_for(micron: float, sale_date: str) -> dict:
    key = (sale_date, micron)
    if key not in _price_cache:
        _price_cache[key] = fetch_indicator(micron, sale_date)  # expect: RES002
    return _price_cache[key]


def estimate_clip_value(bales: list[dict], sale_date: str) -> int:
    """Sum of net_kg x clean yield x indicator, in cents, for a list of bale rows."""
    total = 0
    for bale in bales:
        indicator = price_for(round(float(bale["micron"]), 1), sale_date)
        clean_kg = float(bale["net_kg"]) * float(bale.get("yield_pct", 70)) / 100
        total += int(clean_kg * indicator["cents_per_kg_clean"])
    return total


@bp.get("/indicator")
@login_required
def indicator():
    try:
        micron = float(request.args["micron"])
    except (KeyError, ValueError):
        abort(400, "micron is required")
    if not 10.0 <= micron <= 45.0:
        abort(400, "micron must be between 10 and 45")
    sale_date = request.args.get("date") or date.today().isoformat()
    try:
        date.fromisoformat(sale_date)
    except ValueError:
        abort(400, "date must be YYYY-MM-DD")
    return jsonify(price_for(micron, sale_date))
