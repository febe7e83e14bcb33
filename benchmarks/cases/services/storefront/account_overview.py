"""Account overview page: gathers orders, loyalty balance and recommendations in parallel."""
import logging
import os
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout

import requests
from flask import Blueprint, render_template
from flask_login import current_user, login_required

logger = logging.getLogger(__name__)

overview_bp = Blueprint("account_overview", __name__, url_prefix="/account")

ORDERS_URL = os.environ.get("ORDERS_SERVICE_URL", "http://orders.internal:8080")
LOYALTY_URL = os.environ.get("LOYALTY_SERVICE_URL", "http://loyalty.internal:8080")
RECS_URL = os.environ.get("RECS_SERVICE_URL", "http://recs.internal:8080")
UPSTREAM_TIMEOUT = (0.5, 2.0)

_fanout_pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="overview")


def _get_json(url: str, params: dict):
    resp = requests.get(url, params=params, timeout=UPSTREAM_TIMEOUT)  # ok: REL001
    resp.raise_for_status()
    return resp.json()


@overview_bp.route("")
@login_required
def overview():
    params = {"customer_id": current_user.id}
    futures = {
        "orders": _fanout_pool.submit(_get_json, f"{ORDERS_URL}/customers/{current_user.id}/orders", {"limit": 5}),  # ok: CON003
        "points": _fanout_pool.submit(_get_json, f"{LOYALTY_URL}/points/balance", params),
        "recommended": _fanout_pool.submit(_get_json, f"{RECS_URL}/for-customer", params),
    }
    sections = {}
    for name, future in futures.items():
        try:
            sections[name] = future.result(timeout=3)
        except (requests.RequestException, FutureTimeout):
            logger.warning("account overview: %s unavailable for customer %s", name, current_user.id, exc_info=True)
            sections[name] = None
    return render_template("account/overview.html", **sections)
