"""Handler rota: the week's shifts, shift swaps, and a feed of recent rota changes."""

import logging
from datetime import date, datetime, timedelta, timezone

import falcon
from peewee import DatabaseError

from falconry.auth import require_role
from falconry.db import db
from falconry.models import Handler, RotaShift

logger = logging.getLogger(__name__)

_recent_changes: list[dict] = []
MAX_RECENT = 200


def _shift_json(shift: RotaShift) -> dict:
    return {
        "id": shift.id,
        "date": shift.shift_date.isoformat(),
        "starts": shift.starts,
        "ends": shift.ends,
        "handler": {"id": shift.handler.id, "name": shift.handler.display_name},
        "booking_id": shift.booking_id,
        "confirmed": shift.confirmed,
    }


class RotaWeek:
    def on_get(self, req, resp, week_start: str):
        require_role(req, "handler", "admin")
        try:
            start = date.fromisoformat(week_start)
        except ValueError:
            raise falcon.HTTPBadRequest(title="Invalid date", description="Use YYYY-MM-DD.")
        shifts = (
            RotaShift.select(RotaShift, Handler)
            .join(Handler)
            .where(RotaShift.shift_date.between(start, start + timedelta(days=6)))
            .order_by(RotaShift.shift_date, RotaShift.starts)
        )
        resp.media = {"week_start": start.isoformat(), "shifts": [_shift_json(s) for s in shifts]}


class RotaChanges:
    def on_get(self, req, resp):
        require_role(req, "handler", "admin")
        resp.media = {"changes": list(reversed(_recent_changes[-50:]))}


class ShiftSwap:
    def on_post(self, req, resp, shift_id: int):
        require_role(req, "handler", "admin")
        data = req.get_media()
        try:
            new_handler_id = int(data["handler_id"])
        except (KeyError, TypeError, ValueError):
            raise falcon.HTTPBadRequest(title="Invalid swap", description="handler_id is required.")

        shift = RotaShift.get_or_none(RotaShift.id == shift_id)
        if shift is None:
            raise falcon.HTTPNotFound(title="Not found", description="No such shift.")
        if shift.handler_id != req.context.user_id and req.context.role != "admin":  # ok: SEC018
            raise falcon.HTTPForbidden(title="Forbidden", description="You can only give away your own shifts.")
        if not Handler.select().where((Handler.id == new_handler_id) & (Handler.active == True)).exists():
            raise falcon.HTTPBadRequest(title="Invalid swap", description="That handler is not active.")

        try:
            with db.atomic():
                updated = (
                    RotaShift.update(handler=new_handler_id, confirmed=False)
                    .where((RotaShift.id == shift_id) & (RotaShift.handler == shift.handler_id))  # ok: DB004
                    .execute()
                )
                if not updated:
                    raise falcon.HTTPConflict(title="Shift changed", description="Someone else changed this shift.")
        except DatabaseError:
            logger.exception("shift swap failed", extra={"shift_id": shift_id, "user_id": req.context.user_id})

        _recent_changes.append({  # expect: CON002, SCL001
            "shift_id": shift_id,
            "from_handler": shift.handler_id,
            "to_handler": new_handler_id,
            "at": datetime.now(timezone.utc).isoformat(),
        })
        del _recent_changes[:-MAX_RECENT]
        resp.media = {"status": "swapped", "shift_id": shift_id, "handler_id": new_handler_id}  # expect: ERR002
