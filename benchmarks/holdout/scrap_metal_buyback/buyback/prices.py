"""Counter price board: spot quotes from the feeds, minus the yard margin."""
from __future__ import annotations

import logging
import threading
import time
from decimal import ROUND_DOWN, Decimal

import requests
from flask import Blueprint, jsonify, request

from buyback.auth import staff_required
from buyback.config import settings

log = logging.getLogger(__name__)
bp = Blueprint("prices", __name__, url_prefix="/prices")

_board: dict[str, dict] = {}
_meta = {"refreshed_at": 0.0, "source": None}


def _pull_feed(feed: dict) -> list[dict]:
    resp = requests.get(
        feed["url"],
        params={"symbols": ",".join(feed["symbols"])},
        timeout=10,
        verify=False,  # expect: SEC011
    )
    resp.raise_for_status()
    return resp.json()["quotes"]


def _buy_price(spot_cents_per_kg: int) -> int:
    margin = Decimal(100 - settings.price_margin_pct) / 100
    return int((Decimal(spot_cents_per_kg) * margin).quantize(Decimal("1"), rounding=ROUND_DOWN))


def _refresh_all() -> None:
    for feed in settings.price_feeds:
        try:
            quotes = _pull_feed(feed)
        except Exception as exc:
            print(f"price feed {feed['name']} failed: {exc}")  # expect: OBS001
            continue
        for quote in quotes:
            _board[quote["symbol"]] = {  # expect: CON002, SCL001
                "spot_cents_per_kg": quote["cents_per_kg"],
                "buy_cents_per_kg": _buy_price(quote["cents_per_kg"]),
                "as_of": quote["timestamp"],
            }
        _meta.update(refreshed_at=time.time(), source=feed["name"])


@bp.post("/refresh")
@staff_required(role="manager")
def refresh():
    threading.Thread(target=_refresh_all, name="price-refresh", daemon=True).start()  # expect: CON003
    return jsonify(status="refreshing"), 202


@bp.get("")
def board():
    return jsonify(prices=_board, refreshed_at=_meta["refreshed_at"], source=_meta["source"])


@bp.get("/quote")
@staff_required()
def quote():
    symbol = request.args.get("grade", "")
    try:
        kg = Decimal(request.args.get("kg", "0"))
    except ArithmeticError:
        return jsonify(error="kg must be a number"), 400
    entry = _board.get(symbol)
    if entry is None:
        return jsonify(error=f"no price for {symbol}"), 404
    amount = int(kg * entry["buy_cents_per_kg"])
    return jsonify(grade=symbol, kg=str(kg), amount_cents=amount, as_of=entry["as_of"])
