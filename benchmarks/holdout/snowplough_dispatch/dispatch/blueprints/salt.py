"""Depot salt stock: manual adjustments by depot managers and the movement ledger."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation

from sanic import Blueprint
from sanic.exceptions import BadRequest, Forbidden, NotFound
from sanic.response import json
from tortoise.transactions import in_transaction

from dispatch.auth import require_role
from dispatch.models import SaltMovement, SaltStock

logger = logging.getLogger(__name__)

bp = Blueprint("salt", url_prefix="/depots")

ADJUSTMENT_REASONS = {"delivery", "stocktake", "spillage", "transfer_in", "transfer_out"}


def _movement_dict(row: dict) -> dict:
    return {
        "tonnes": str(row["tonnes"]),
        "reason": row["reason"],
        "reference": row["reference"],
        "route_run_id": row["route_run_id"],
        "created_at": row["created_at"].isoformat(),
    }


@bp.post("/<depot_id:int>/salt/adjust")
@require_role("depot_manager")
async def adjust_stock(request, depot_id: int):
    if request.ctx.user["depot_id"] != depot_id:
        raise Forbidden("you manage a different depot")

    body = request.json or {}
    reason = body.get("reason")
    if reason not in ADJUSTMENT_REASONS:
        raise BadRequest(f"reason must be one of {sorted(ADJUSTMENT_REASONS)}")
    try:
        delta = Decimal(str(body["tonnes"]))
    except (KeyError, InvalidOperation) as exc:
        raise BadRequest("tonnes must be a number") from exc

    stock = await SaltStock.get_or_none(depot_id=depot_id)
    if stock is None:
        raise NotFound("depot has no salt barn")

    new_level = stock.tonnes + delta
    if new_level < 0:
        return json({"error": "adjustment would take stock below zero"}, status=409)

    async with in_transaction() as conn:
        stock.tonnes = new_level  # expect: DB004
        await stock.save(using_db=conn, update_fields=["tonnes", "updated_at"])
        await SaltMovement.create(
            depot_id=depot_id,
            tonnes=delta,
            reason=reason,
            reference=body.get("reference"),
            created_by_id=request.ctx.user["id"],
            using_db=conn,
        )
    logger.info("salt stock at depot %s adjusted by %s (%s)", depot_id, delta, reason)
    return json({"depot_id": depot_id, "tonnes": str(stock.tonnes)})


@bp.get("/<depot_id:int>/salt/movements")
@require_role("depot_manager", "dispatcher")
async def movements(request, depot_id: int):
    rows = await SaltMovement.filter(depot_id=depot_id).order_by("-created_at").values(  # expect: DB002
        "tonnes", "reason", "reference", "route_run_id", "created_at"
    )
    return json({"depot_id": depot_id, "movements": [_movement_dict(r) for r in rows]})


@bp.get("/salt/low")
@require_role("dispatcher")
async def low_stock(request):
    stocks = await SaltStock.all().select_related("depot")  # ok: DB001
    low = [
        {"depot": s.depot.code, "tonnes": str(s.tonnes), "reorder_level": str(s.reorder_level)}
        for s in stocks
        if s.tonnes <= s.reorder_level
    ]
    return json({"low": low})
