"""MNT001: a handler that answers a failure with a success status in an API that uses error status codes."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import PythonCheck, attribute_path, descendants, keyword, module_handlers, own_nodes
from reviewer.checks.error_reported_as_success import RESPONSES, explicit_status, status_code_of, tells_failure

# Calls that answer with an error status by their nature.
_ERROR_RAISERS = frozenset({"abort", "HTTPException", "Http404", "HttpResponseBadRequest", "HttpResponseForbidden",
                            "HttpResponseNotFound", "HttpResponseNotAllowed", "PermissionDenied", "NotFound",
                            "ValidationError", "HttpResponseServerError", "web.HTTPBadRequest", "HTTPBadRequest",
                            "HTTPNotFound", "HTTPConflict", "HTTPForbidden"})
# Endpoints whose body, not their status, is the answer by design.
_BODY_IS_THE_ANSWER = re.compile(r"health|ready|readiness|live|liveness|status|ping|check|validate|lookup|exists|"
                                 r"available|availability", re.I)


class ErrorAnsweredWithSuccessStatus(PythonCheck):
    """A handler that returns an error body (`{"error": ...}`, `{"ok": False}`, `{"status": "error"}`) with a
    success status, in a module whose other answers use error status codes.

    ## What it does
    In the request handlers of a module that answers errors with 4xx/5xx statuses elsewhere (`abort(404)`,
    `HTTPException(...)`, `status=409`, `return body, 400`), reports a `return` whose body says the request failed
    (an `error`/`errors` key, `ok`/`success` set to `False`, a `status` of `"error"`/`"failed"`) while its status is
    2xx: no status (200), an explicit `200`, `status=200`, or a FastAPI route's `status_code=2xx` for a plain dict.
    Handlers whose body is the answer by design (health, readiness, status, availability or validation
    lookups) are skipped, as are tests.

    ## Why is this bad?
    Clients, proxies, retries and monitoring read the status line: a failure sent as 200 is counted as a success,
    cached, and never retried or alerted on, and every client has to special-case this endpoint's body. The rest
    of the module already says how this API reports errors; this answer breaks that contract.

    ## Known limits
    Only bodies written in the handler (a dict, `jsonify(...)`, `JsonResponse(...)`, a response tuple) are
    judged, not ones built by a helper. An API that answers every error with 200 by design is not reported,
    since then nothing in the module uses error statuses; one that mixes both is. Whether a 200 with
    `"ok": false` is a documented part of a public API is not known.
    """

    id = "MNT001"
    VALID = (
        """
from flask import Flask, abort, jsonify

app = Flask(__name__)

@app.get("/orders/<int:order_id>")
def show_order(order_id):
    order = Order.query.get(order_id)
    if order is None:
        abort(404)
    return jsonify(order.as_dict())

@app.post("/orders/<int:order_id>/cancel")
def cancel_order(order_id):
    order = Order.query.get_or_404(order_id)
    if order.shipped:
        return jsonify(error="already shipped"), 409  # ok: MNT001
    order.cancel()
    return jsonify(ok=True)

@app.get("/health")
def health():
    return jsonify(ok=False, database="down")  # ok: MNT001
""",
        """
from flask import Flask, jsonify

app = Flask(__name__)

# Every answer is 200 with an "ok" flag: a consistent (if unusual) contract.
@app.post("/rpc/transfer")
def transfer():
    if not can_transfer():
        return jsonify(ok=False, error="insufficient funds")  # ok: MNT001
    return jsonify(ok=True)
""",
    )
    INVALID = (
        """
from flask import Flask, abort, jsonify

app = Flask(__name__)

@app.get("/bookings/<int:booking_id>")
def show_booking(booking_id):
    booking = Booking.query.get(booking_id)
    if booking is None:
        abort(404)
    return jsonify(booking.as_dict())

@app.post("/bookings/<int:booking_id>/cancel")
def cancel_booking(booking_id):
    booking = Booking.query.get_or_404(booking_id)
    if booking.status != "reserved":
        return {"status": "error", "message": "cannot cancel"}, 200  # expect: MNT001
    booking.status = "cancelled"
    return {"status": "cancelled"}
""",
        """
from fastapi import APIRouter, HTTPException

router = APIRouter()

@router.get("/wallets/{wallet_id}")
def wallet(wallet_id: int):
    found = load_wallet(wallet_id)
    if found is None:
        raise HTTPException(status_code=404)
    return found

@router.post("/wallets/{wallet_id}/transfers")
def transfer(wallet_id: int, amount: int):
    if balance_of(wallet_id) < amount:
        return {"ok": False, "error": "insufficient funds"}  # expect: MNT001
    return {"ok": True}
""",
    )

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.ctx.is_test or not self.ctx.is_web_app:
            return
        handlers = [handler for handler, _cls in module_handlers(original_node, self.ctx)]
        if len(handlers) < 2 or not _uses_error_statuses(original_node):
            return
        for handler in handlers:
            if _BODY_IS_THE_ANSWER.search(handler.name.value):
                continue
            route_status = _route_status(handler)
            for node in own_nodes(handler.body):
                if isinstance(node, cst.Return) and node.value is not None and _failure_with_success_status(
                        node.value, route_status):
                    self.report(node, "This answer says the request failed but its status is a success (2xx), while "
                                      "the rest of this module answers errors with 4xx/5xx: clients, retries and "
                                      "monitoring read it as success.")


def _failure_with_success_status(value: cst.BaseExpression, route_status: int | None) -> bool:
    if isinstance(value, cst.Tuple) and len(value.elements) >= 2:
        code = status_code_of(value.elements[1].value)
        return code is not None and 200 <= code < 300 and _failure_body(value.elements[0].value)
    if isinstance(value, cst.Call):
        name = (attribute_path(value.func) or "").rsplit(".", 1)[-1]
        if name not in RESPONSES:
            return False
        given = explicit_status(value)
        code = status_code_of(given) if given is not None else 200
        return code is not None and 200 <= code < 300 and _failure_body(value)
    if isinstance(value, cst.Dict):
        code = route_status if route_status is not None else 200
        return 200 <= code < 300 and _failure_body(value)
    return False


def _failure_body(body: cst.BaseExpression) -> bool:
    """A body that says the request failed, not one that merely carries a status word among data."""
    return isinstance(body, (cst.Dict, cst.Call)) and tells_failure(body)


def _route_status(handler: cst.FunctionDef) -> int | None:
    """`@router.post("/x", status_code=201)`: the status a FastAPI route gives a returned dict."""
    for decorator in handler.decorators:
        if isinstance(decorator.decorator, cst.Call):
            found = keyword(decorator.decorator, "status_code")
            if found is not None:
                return status_code_of(found.value)
    return None


def _uses_error_statuses(module: cst.Module) -> bool:
    """Somewhere in the module an answer carries a 4xx/5xx status: the API reports errors by status."""
    for node in descendants(module):
        if isinstance(node, cst.Call):
            name = attribute_path(node.func) or ""
            if name in _ERROR_RAISERS or name.rsplit(".", 1)[-1] in _ERROR_RAISERS:
                return True
            for word in ("status", "status_code"):
                found = keyword(node, word)
                code = status_code_of(found.value) if found is not None else None
                if code is not None and code >= 400:
                    return True
        elif isinstance(node, cst.Return) and isinstance(node.value, cst.Tuple) and len(node.value.elements) >= 2:
            code = status_code_of(node.value.elements[1].value)
            if code is not None and code >= 400:
                return True
    return False
