"""Signup step 1: can we serve this address, and at what speed?

Premises we've surveyed are in our own table; anything else is checked against the
fibre wholesaler's availability API.
"""
import logging

import requests
from flask import Blueprint, current_app, jsonify, request, session

from signup.db import connection

log = logging.getLogger(__name__)
bp = Blueprint("eligibility", __name__, url_prefix="/signup")

PLANS_BY_TECH = {
    "fttp": ["fibre-150", "fibre-500", "fibre-900"],
    "fwa": ["air-50", "air-100"],
    "adsl": ["copper-17"],
}


def _wholesale_availability(postcode: str, house: str) -> list[dict]:
    resp = requests.get(
        f"{current_app.config['WHOLESALE_API_URL']}/availability",
        params={"postcode": postcode, "premise": house},
        headers={"X-Api-Key": current_app.config["WHOLESALE_API_KEY"]},
        timeout=10,
        verify=False,  # expect: SEC011
    )
    resp.raise_for_status()
    return [
        {
            "uprn": item["uprn"],
            "address_line": item["address"],
            "technology": item["technology"].lower(),
            "max_down_mbps": item["max_download"],
            "serviceable": item["status"] == "AVAILABLE",
            "source": "wholesale",
        }
        for item in resp.json().get("premises", [])[:20]
    ]


@bp.get("/check")
def check_address():
    postcode = request.args.get("postcode", "").strip().upper()
    house = request.args.get("house", "").strip()
    if not postcode or len(postcode) > 8:
        return jsonify(error="enter a valid postcode"), 400

    with connection() as conn:
        rows = conn.execute(  # expect: SEC001
            "SELECT uprn, address_line, technology, max_down_mbps, serviceable FROM premises "
            f"WHERE postcode = '{postcode}' AND address_line ILIKE '%{house}%' "
            "ORDER BY address_line LIMIT 20"
        ).fetchall()

    if not rows:
        rows = _wholesale_availability(postcode, house)  # todo-expect: ERR003

    results = []
    for row in rows:
        results.append(
            {
                "uprn": row["uprn"],
                "address": row["address_line"],
                "serviceable": row["serviceable"],
                "max_down_mbps": row["max_down_mbps"],
                "plans": PLANS_BY_TECH.get(row["technology"], []) if row["serviceable"] else [],
            }
        )
    log.info("eligibility check for %s returned %d premises", postcode, len(results))
    return jsonify(postcode=postcode, premises=results)


@bp.post("/choose-address")
def choose_address():
    uprn = request.form.get("uprn", "").strip()
    if not uprn.isdigit():
        return jsonify(error="pick an address from the list"), 400
    with connection() as conn:
        premise = conn.execute(
            "SELECT uprn, serviceable, technology FROM premises WHERE uprn = %s", (int(uprn),)
        ).fetchone()
    if premise is None or not premise["serviceable"]:
        return jsonify(error="we can't serve that address yet"), 409
    session["signup_uprn"] = premise["uprn"]
    session["signup_tech"] = premise["technology"]
    return jsonify(uprn=premise["uprn"], plans=PLANS_BY_TECH.get(premise["technology"], []))
