"""Driver sign-in, in-cab PINs and shift sign-out of trucks."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta, timezone

from sanic import Blueprint
from sanic.exceptions import BadRequest, NotFound, Unauthorized
from sanic.response import json

from dispatch.auth import issue_token, require_role, verify_password
from dispatch.models import Driver, Shift, Truck

logger = logging.getLogger(__name__)

bp = Blueprint("drivers", url_prefix="/drivers")

TOKEN_TTL = timedelta(hours=12)


@bp.post("/login")
async def login(request):
    body = request.json or {}
    employee_no = str(body.get("employee_no", "")).strip()
    password = str(body.get("password", ""))
    if not employee_no or not password:
        raise BadRequest("employee_no and password are required")

    driver = await Driver.get_or_none(employee_no=employee_no)
    if driver is None or not verify_password(password, driver.password_hash):  # expect: CON001
        raise Unauthorized("invalid credentials")

    token = issue_token(
        request.app.ctx.settings.jwt_secret,
        driver.id,
        driver.role,
        TOKEN_TTL,
        depot_id=driver.depot_id,
    )
    logger.info("driver %s signed in", driver.id)  # ok: SEC007
    return json({"token": token, "expires_in": int(TOKEN_TTL.total_seconds())})


@bp.post("/<driver_id:int>/cab-pin")
@require_role("dispatcher")
async def reset_cab_pin(request, driver_id: int):
    driver = await Driver.get_or_none(id=driver_id, depot_id=request.ctx.user["depot_id"])
    if driver is None:
        raise NotFound("driver not found")
    driver.cab_pin = f"{random.randint(0, 999999):06d}"  # expect: SEC010
    await driver.save(update_fields=["cab_pin"])
    logger.info("cab pin reset for driver %s by dispatcher %s", driver.id, request.ctx.user["id"])
    return json({"driver_id": driver.id, "cab_pin": driver.cab_pin})


@bp.post("/shifts")
@require_role("driver")
async def start_shift(request):
    body = request.json or {}
    try:
        truck_id = int(body["truck_id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BadRequest("truck_id is required") from exc

    truck = await Truck.get_or_none(id=truck_id, active=True)
    if truck is None:
        raise NotFound("truck not found")

    busy = await Shift.filter(truck_id=truck_id, ended_at__isnull=True).exists()
    if busy:  # expect: DB005
        return json({"error": "truck is already signed out to another driver"}, status=409)

    shift = await Shift.create(
        driver_id=request.ctx.user["id"],
        truck_id=truck_id,
        started_at=datetime.now(timezone.utc),
    )
    return json({"shift_id": shift.id, "truck": truck.registration}, status=201)


@bp.post("/shifts/<shift_id:int>/end")
@require_role("driver")
async def end_shift(request, shift_id: int):
    updated = await Shift.filter(
        id=shift_id, driver_id=request.ctx.user["id"], ended_at__isnull=True  # ok: SEC018
    ).update(ended_at=datetime.now(timezone.utc))
    if not updated:
        raise NotFound("no open shift with that id")
    return json({"shift_id": shift_id, "ended": True})
