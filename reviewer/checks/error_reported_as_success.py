"""ERR002: an except block that logs the failure and then returns a success value."""

from __future__ import annotations

import re

import libcst as cst
from libcst.metadata import PositionProvider

from reviewer.checks._base import PythonCheck, attribute_path, descendants, findall, is_none, keyword, own_nodes
from reviewer.checks._data import method
from reviewer.checks._security import literal_text
from reviewer.checks.exception_swallowed import LOG_LEVELS, HandlerBody, is_broad, logging_level
from reviewer.findings import Confidence

_SUCCESS_WORDS = frozenset({"ok", "success", "succeeded", "successful", "done", "completed", "complete",
                            "accepted", "created", "sent", "saved", "processed",
                            # states that say the work happened: `{"status": "paid"}` after the write failed
                            "paid", "recorded", "refunded", "charged", "confirmed", "delivered", "published",
                            "queued", "submitted", "booked", "reserved", "stored", "uploaded", "imported", "synced",
                            "changed", "updated", "issued", "approved", "applied", "scheduled", "renewed",
                            "activated", "cancelled", "canceled"})
_FAILURE_WORDS = frozenset({"error", "failed", "failure", "fail", "degraded", "unhealthy", "down", "ko", "unavailable"})
_STATUS_KEYS = frozenset({"status", "state", "result", "outcome"})
_FLAG_KEYS = frozenset({"success", "ok", "succeeded"})
# Keys that, set to True, say the operation happened: `{"deleted": True}`, `{"received": True}`.
_DONE_KEYS = frozenset({"received", "accepted", "deleted", "removed", "saved", "stored", "sent", "delivered",
                        "created", "updated", "processed", "imported", "uploaded", "published", "queued", "enqueued",
                        "completed", "done", "applied", "synced", "acknowledged", "ack", "cancelled", "canceled",
                        "refunded", "charged", "paid", "confirmed", "subscribed", "unsubscribed", "registered"})
# Words in a response text that say it failed: "could not export", "Something went wrong".
_FAILURE_TEXT = re.compile(r"error|fail|unable|could ?n[o']t|can ?n[o']t|wrong|sorry|unavailable|try again|invalid",
                           re.IGNORECASE)
# A warning is enough for a specific exception when it is about an outside system failing, not about the input
# or a state the code expects (`KeyError`, `ValidationError`, `IntegrityError`, `AlreadyExists`, `DoesNotExist`).
_EXPECTED_EXCEPTION = re.compile(
    r"Key|Index|Lookup|Value|Type|Attribute|Valid|Pars|Decod|Format|Integrity|Unique|Duplicate|Exist|NotFound|"
    r"Conflict|Permission|Forbidden|Auth|Denied|Http404|Declin|Insufficient|Empty|StopIteration|NotSubscribed|Invalid",
)
# Calls that record the work in the database: when one of them is in the `try` that failed, the work was not done.
_RECORDING = frozenset({"commit", "save", "execute", "executemany", "bulk_create", "create", "update"})
_ERROR_KEYS = frozenset({"error", "errors", "err", "exception", "failure", "failed"})
_BODY_KEYWORDS = ("content", "body", "text", "data", "response", "json")
# Keywords of a response that say nothing about its body or status.
_METADATA_KEYWORDS = frozenset({"content_type", "mimetype", "media_type", "headers", "charset", "safe",
                                "encoder", "json_dumps_params", "background"})
RESPONSES = frozenset({"jsonify", "JsonResponse", "JSONResponse", "ORJSONResponse", "UJSONResponse", "Response",
                        "HttpResponse", "PlainTextResponse", "HTMLResponse", "make_response", "json_response"})
_HTTP_STATUS_OK = frozenset({"OK", "CREATED", "ACCEPTED", "NO_CONTENT"})
_ERROR_LEVEL = LOG_LEVELS["error"]


_FAILURE_RECORD = re.compile(r"^\s*\(?\s*(UPDATE|INSERT)\b", re.IGNORECASE)


def _records_failure(call: cst.Call) -> bool:
    """`UPDATE jobs SET status = 'failed' ...` in the except block: the failure is stored where the next run or an
    operator finds it, so returning normally (a worker's "job handled") tells no lie."""
    if method(call) not in ("execute", "executemany") or not call.args:
        return False
    return bool(_FAILURE_RECORD.match(literal_text(call.args[0].value)))


def status_code_of(expr: cst.BaseExpression) -> int | None:
    """200 for `200`, `status.HTTP_200_OK`, `HTTPStatus.OK`; None when it is not a known status."""
    if isinstance(expr, cst.Integer):
        return int(expr.value)
    path = attribute_path(expr) or ""
    name = path.rsplit(".", 1)[-1]
    if name.startswith("HTTP_") and name[5:8].isdigit():
        return int(name[5:8])
    if path.startswith(("HTTPStatus.", "http.HTTPStatus.")):
        return 200 if name in _HTTP_STATUS_OK else 500
    return None


def explicit_status(call: cst.Call) -> cst.BaseExpression | None:
    """The status a response call is given: `status=`/`status_code=`, or `make_response(body, 409)`'s second
    argument; None when it takes the default (200)."""
    status = keyword(call, "status") or keyword(call, "status_code")
    if status is not None:
        return status.value
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    name = (attribute_path(call.func) or "").rsplit(".", 1)[-1]
    return positional[1] if name == "make_response" and len(positional) >= 2 else None


def _is_2xx(code: int | None) -> bool:
    return code is not None and 200 <= code < 300


def success_value(expr: cst.BaseExpression | None) -> str | None:
    """How a returned value tells the caller the operation worked, or None when it does not."""
    if expr is None:
        return None
    if isinstance(expr, cst.Name) and expr.value == "True":
        return "`True`"
    if isinstance(expr, cst.SimpleString):
        text = str(expr.evaluated_value).strip().lower()
        return f"`{expr.value}`" if text in _SUCCESS_WORDS else None
    if isinstance(expr, cst.Dict):
        return _success_dict(expr)
    if isinstance(expr, cst.Tuple) and len(expr.elements) >= 2:
        code = status_code_of(expr.elements[-1].value)
        if code is not None:
            body = expr.elements[0].value
            return f"HTTP {code}" if (_is_2xx(code) and not tells_failure(body)
                                      and not _admits_partial_failure(body)) else None
        return success_value(expr.elements[0].value)
    if isinstance(expr, cst.Call):
        return _success_response(expr)
    return None


def tells_failure(expr: cst.BaseExpression | None) -> bool:
    """A body or response that says the operation failed: `{"error": ...}`, `{"status": "degraded"}`, `False`."""
    if isinstance(expr, cst.Name):
        return expr.value == "False"
    if isinstance(expr, cst.SimpleString):
        text = str(expr.evaluated_value).strip().lower()
        return text in _FAILURE_WORDS or bool(_FAILURE_TEXT.search(text))
    if isinstance(expr, cst.Dict):
        pairs = [(el.key, el.value) for el in expr.elements if isinstance(el, cst.DictElement)]
        keyed = [(str(k.evaluated_value).lower(), v) for k, v in pairs if isinstance(k, cst.SimpleString)]
    elif isinstance(expr, cst.Call):
        keyed = [(arg.keyword.value.lower(), arg.value) for arg in expr.args if arg.keyword is not None]
        positional = [arg.value for arg in expr.args if arg.keyword is None and not arg.star]
        if positional and tells_failure(positional[0]):
            return True
    else:
        return False
    for key, value in keyed:
        if key in _ERROR_KEYS:
            return True
        if key in _STATUS_KEYS | _FLAG_KEYS | {"content", "body", "data"} and tells_failure(value):
            return True
    return False


def _tells_user(call: cst.Call) -> bool:
    """A call that puts the failure into the answer the user sees: `form.add_error(...)`, `flash(...)`,
    `messages.error(request, ...)`."""
    name = method(call)
    if name in ("error", "warning") and isinstance(call.func, cst.Attribute):
        return (attribute_path(call.func.value) or "").endswith("messages")
    return name in ("add_error", "flash", "error", "warning")


def _caught(handler: cst.ExceptHandler) -> list[str]:
    """The names of the exceptions an except block catches (`psycopg.Error` -> "Error"); [] for a bare one."""
    if handler.type is None:
        return []
    types = [el.value for el in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
    return [(attribute_path(t) or "").rsplit(".", 1)[-1] for t in types]


def _next_statement(body: cst.BaseSuite, target: cst.CSTNode) -> cst.CSTNode | None:
    """The statement right after `target` in the block that holds it, at any depth of `body`."""
    for block in [body, *findall(body, cst.IndentedBlock)]:
        statements = list(getattr(block, "body", ()))
        for index, statement in enumerate(statements):
            if statement is target:
                return statements[index + 1] if index + 1 < len(statements) else None
    return None


def _admits_partial_failure(expr: cst.BaseExpression) -> bool:
    """`jsonify(status="cancelled", vendor_notified=False)`, `jsonify(units=[], degraded=True)`: the answer says
    which part did not happen."""
    if isinstance(expr, cst.Dict):
        keyed = [(str(el.key.evaluated_value).lower(), el.value) for el in expr.elements
                 if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString)]
    elif isinstance(expr, cst.Call):
        keyed = [(arg.keyword.value.lower(), arg.value) for arg in expr.args if arg.keyword is not None]
        keyed += [("", arg.value) for arg in expr.args if arg.keyword is None and isinstance(arg.value, cst.Dict)]
        if any(_admits_partial_failure(value) for key, value in keyed if not key):
            return True
    else:
        return False
    # `jsonify(units=[], degraded=True)`: a partial answer that says so.
    return any((_names_an_outcome(key) and isinstance(value, cst.Name) and value.value == "False")
               or (key in _FAILURE_WORDS and isinstance(value, cst.Name) and value.value == "True")
               for key, value in keyed)


def _names_an_outcome(key: str) -> bool:
    """`vendor_notified`, `email_sent`, `synced`: a key that says whether something happened."""
    last = key.rsplit("_", 1)[-1]
    return last in _DONE_KEYS or last in _FLAG_KEYS or (last.endswith("ed") and len(last) > 4)


def _success_dict(expr: cst.Dict) -> str | None:
    if _admits_partial_failure(expr):
        return None
    found = None
    for element in expr.elements:
        if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString):
            continue
        key = str(element.key.evaluated_value).lower()
        if key in _ERROR_KEYS:
            return None
        if key in _STATUS_KEYS and isinstance(element.value, cst.SimpleString) \
                and str(element.value.evaluated_value).lower() in _SUCCESS_WORDS:
            found = "a success body"
        if key in _FLAG_KEYS | _DONE_KEYS and isinstance(element.value, cst.Name) and element.value.value == "True":
            found = "a success body"
    return found


def _success_response(call: cst.Call) -> str | None:
    """A response object whose explicit status is 2xx, or whose body says success."""
    name = (attribute_path(call.func) or "").rsplit(".", 1)[-1]
    if name not in RESPONSES or _admits_partial_failure(call):
        return None
    status = keyword(call, "status") or keyword(call, "status_code")
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    given = explicit_status(call)
    code = status_code_of(given) if given is not None else None
    if code is not None:
        # The status line is what clients, proxies and monitoring read, unless the body says otherwise.
        return f"HTTP {code}" if _is_2xx(code) and not tells_failure(call) and not _admits_partial_failure(call) else None
    for arg in call.args:
        if arg.keyword is None:
            continue
        key = arg.keyword.value.lower()
        if key in _ERROR_KEYS:
            return None
        if key in _FLAG_KEYS | _DONE_KEYS and isinstance(arg.value, cst.Name) and arg.value.value == "True":
            return "a success response"
        if key in _STATUS_KEYS and isinstance(arg.value, cst.SimpleString) \
                and str(arg.value.evaluated_value).lower() in _SUCCESS_WORDS:
            return "a success response"
    body = positional[0] if positional else next((a.value for a in call.args if a.keyword is not None
                                                  and a.keyword.value in _BODY_KEYWORDS), None)
    if body is not None and success_value(body) is not None:
        return "a success response"
    if any(arg.star for arg in call.args) or any(a.keyword is not None and a.keyword.value not in _METADATA_KEYWORDS
                                                 and a.value is not body for a in call.args):
        return None  # a body given some other way: `jsonify(items=[])`, `Response(**kwargs)`
    if status is None and name != "make_response" and (body is None or _is_empty(body)):
        # No status means 200, and an empty body says nothing went wrong: a blank file, an empty list.
        return "an empty HTTP 200 response"
    return None


def _is_empty(expr: cst.BaseExpression) -> bool:
    """`""`, `b""`, `[]`, `{}`, `()`: a body with nothing in it."""
    if isinstance(expr, cst.SimpleString):
        return expr.evaluated_value in ("", b"")
    if isinstance(expr, (cst.List, cst.Dict, cst.Tuple)):
        return not expr.elements
    return False


# A deliberate choice, said in so many words.
_FAILS_OPEN = re.compile(r"\bfail(s|ing)?[ -]open\b", re.I)


class ErrorReportedAsSuccess(PythonCheck):
    """An except block that logs the error and then returns success to its caller.

    ## What it does
    Reports a `return` inside an except block, after a logging call in that block, when the value
    returned says the operation worked: `True`, `"ok"`/`"success"`, a dict like `{"status": "ok"}`,
    `{"success": True}` or `{"deleted": True}`/`{"received": True}` (a past-tense key set to `True`)
    without an error key, `jsonify(success=True)`, `Response(status=200)`,
    `JSONResponse(..., status_code=200)`, `make_response(body, 200)`, a response with no status (so
    200) and an empty body (`HttpResponse("")`, `JsonResponse([])`), or a tuple ending in a 2xx status
    (unless the body says it failed: `{"error": ...}`, `{"status": "degraded"}`, "could not ...").
    Also the value the function returns when nothing failed, returned again by the except block (the same
    non-empty value, or a dict of the same literal entries with some left out): the caller cannot tell a
    failure from a success.
    In an `except Exception` (or bare or `BaseException`) block, a warning, error or `print` before
    the return counts; in a block for a specific exception, an error-level log (`error`,
    `exception`, `critical`) counts, and so does a warning whose message says the operation failed
    (or that passes `exc_info`) when the exception is an outside system's failure (`KafkaError`,
    `SMTPException`), not bad input or an expected state (`KeyError`, `ValidationError`,
    `IntegrityError`, `...AlreadyExists`); these findings have medium confidence. A block that
    re-raises or aborts is not reported, nor is one that stores the failure (an SQL `UPDATE`/`INSERT`, as a
    worker records a failed job before reporting that it handled one). A catch-all block with no return that logs the failure is reported
    when the statement right after its `try` returns success (`return {"received": True}`): the function
    goes on to answer that the work was done, a best-effort step included. So is a block for an outside
    system's failure (`requests.RequestException`, `psycopg.Error`, also listed beside bad-input errors:
    `except (psycopg.Error, KeyError)`) that logs at error level, when its `try` also records the
    work in the database (a commit, a save, an `execute`) or runs a loop (the first failure stops it, and the
    items after it are never done): the refund failed and was not recorded, and the answer says it was requested. In a loop, a block that logs an item's failure and lets the loop go on (the
    `try` ends the iteration, or the block ends in `continue`) is reported when the statement after the loop
    (past log calls and a commit) returns success: the answer speaks for every item, the failed ones too.

    ## Why is this bad?
    The code knows the operation failed (it just logged an error) and tells the caller it succeeded:
    the client shows "payment complete", a queue acknowledges a message that was never processed,
    retries never happen, and monitoring that counts error responses sees none. Return an error
    status or value, or re-raise.

    ## Known limits
    `return None` is not treated as success (callers usually test it as a failure). A success value
    built in a variable and returned later, or returned after the except block, is not followed, nor
    is a non-empty default body (`JsonResponse({"items": []})`) without a status. Exceptions are
    judged "expected" by their name only. A function whose docstring, or an except block whose comment, says
    it fails open (a rate limiter that lets callers through while Redis is down) is taken at its word. Test files
    are skipped.
    """

    id = "ERR002"
    VALID = (
        # The answer lists what failed: the caller can retry those.
        """
import logging
import requests
from django.http import JsonResponse

log = logging.getLogger(__name__)

def notify_panel_delay(request, panel_id):
    failed = []
    for seat in PanelSeat.objects.filter(panel_id=panel_id):
        try:
            _send(seat.phone, "Please report at 10:30 instead.")
        except requests.RequestException:  # ok: ERR002
            log.exception("delay notice failed seat=%s", seat.pk)
            failed.append(seat.pk)
            continue
    return JsonResponse({"status": "sent", "failed": failed})
""",
        # A rate limiter that says it fails open: letting callers through while Redis is down is the design.
        """
import logging
import redis

def allow(client, key, limit):
    \"\"\"Fails open: a Redis outage must not stop people from working.\"\"\"
    try:
        count = client.incr(f"rl:{key}")
    except redis.RedisError:
        logging.getLogger(__name__).error("rate limiter down, allowing %s", key)
        return True  # ok: ERR002
    return count <= limit
""",
        # A default after bad data, and a form re-rendered with the failure in it.
        """
from decimal import Decimal, InvalidOperation

def surcharge(value):
    if value is None:
        return Decimal("0")
    try:
        return Decimal(value)
    except InvalidOperation:
        log.error("bad surcharge value %r", value)
        return Decimal("0")  # ok: ERR002

def book(request, form, slot):
    try:
        charge_deposit(slot, form.cleaned_data["card"])
    except PaymentError:
        logger.exception("deposit failed for slot %s", slot.pk)
        form.add_error(None, "We could not take the deposit.")
        return render(request, "book.html", {"slot": slot, "form": form})  # ok: ERR002
    return render(request, "book.html", {"slot": slot, "form": form})
""",
        # The booking was cancelled; the answer says the vendor was not told (a partial success, said).
        """
from flask import jsonify

@bp.post("/bookings/<int:booking_id>/cancel")
def cancel_booking(booking_id):
    cancel(booking_id)
    try:
        vendor.cancel_booking(booking_id)
    except VendorError:
        logger.exception("vendor cancellation failed")
        return jsonify(id=booking_id, status="cancelled", vendor_notified=False), 200  # ok: ERR002
    return jsonify(id=booking_id, status="cancelled", vendor_notified=True)
""",
        """
def redeem(session, account, points):
    try:
        session.commit()
    except SQLAlchemyError as exc:  # ok: ERR002
        session.rollback()
        logger.error("could not record redemption: %s", exc)
        return {"status": "pending", "points": points}
    return {"status": "redeemed", "points": points, "balance": account.points}

def lookup(client, key):
    try:
        value = client.get(key)
    except Exception:  # ok: ERR002
        logger.exception("cache read failed")
        return None
    return None if value is None else value.decode()
""",
        """
from flask import jsonify

@app.post("/orders")
def create_order():
    try:
        order = orders.create(request.json)
    except PaymentDeclined as error:
        logger.warning("payment declined: %s", error)
        return jsonify(error="payment declined"), 402  # ok: ERR002
    except Exception:
        logger.exception("order creation failed")
        return jsonify({"status": "error"}), 500  # ok: ERR002
    return jsonify({"status": "ok", "id": order.id}), 201

@app.get("/health")
def health():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        logger.warning("database unreachable")
        return {"status": "degraded", "database": "down"}, 200  # ok: ERR002
    return {"status": "ok"}, 200
""",
        """
def unsubscribe(email):
    try:
        mailing_list.remove(email)
    except NotSubscribed:
        logger.info("already unsubscribed: %s", email)
        return True  # ok: ERR002
    except Exception:
        logger.error("unsubscribe failed", exc_info=True)
        return False  # ok: ERR002
    return True
""",
        """
from django.http import HttpResponse, JsonResponse

def register(email):
    try:
        accounts.create(email)
    except AccountAlreadyExists:
        logger.warning("could not register %s: the account already exists", email)
        return True  # ok: ERR002
    return True

def download_report(request, report_id):
    try:
        body = reports.render_csv(report_id)
    except Exception:
        logger.exception("report %s could not be rendered", report_id)
        return HttpResponse("Report generation failed, please retry later.", content_type="text/plain")  # ok: ERR002
    return HttpResponse(body, content_type="text/csv")

def search(request):
    try:
        hits = index.search(request.GET["q"])
    except Exception:
        logger.exception("search failed")
        return JsonResponse({"results": [], "degraded": True})  # ok: ERR002
    return JsonResponse({"results": hits})
""",
        """
from flask import jsonify

@bp.get("/units")
def units():
    try:
        found = partner.units(request.args["zip"])
    except requests.RequestException:
        log.warning("partner unavailable", exc_info=True)
        return jsonify(units=[], degraded=True), 200  # ok: ERR002
    return jsonify(units=found, degraded=False)
""",
        # A best-effort notice: its failure is logged and the work it follows is done.
        """
import smtplib

def confirm(request, booking):
    booking.status = "confirmed"
    booking.save()
    try:
        send_confirmation(booking)
    except smtplib.SMTPException:  # ok: ERR002
        log.exception("confirmation mail for booking %s failed", booking.pk)
    return JsonResponse({"status": "confirmed"})
""",
        # A worker that stores the failure on the job before reporting "one job handled".
        """
import httpx

async def run_once(conn, client, job):
    try:
        (await client.post("/transfers", json=job.payload)).raise_for_status()
    except httpx.HTTPError as exc:
        await conn.execute("UPDATE jobs SET status = 'failed', last_error = $2 WHERE id = $1", job.id, str(exc))
        log.error("job %s failed: %s", job.id, exc)
        return True  # ok: ERR002
    return True
""",
    )
    INVALID = (
        # The loop is in the `try`: the first refund that fails stops it, and the answer says every one was issued.
        # A best-effort notice that fails on its own is not the work itself.
        """
import logging
import stripe
from flask import jsonify

logger = logging.getLogger(__name__)

def cancel_sailing(sailing):
    try:
        for booking in sailing.bookings:
            _refund_booking(booking)
    except stripe.error.StripeError:  # expect: ERR002
        logger.exception("refund run for sailing %s stopped", sailing.id)
    return jsonify(status="cancelled", refunds="issued")

def confirm(booking):
    try:
        _send_receipt(booking)
    except stripe.error.StripeError:  # ok: ERR002
        logger.exception("receipt for booking %s not sent", booking.id)
    return jsonify(status="confirmed")
""",
        # Each failed text is logged and skipped; the answer says every one was sent.
        """
import logging
import requests
from django.http import JsonResponse

log = logging.getLogger(__name__)

def notify_panel_delay(request, panel_id):
    seats = PanelSeat.objects.filter(panel_id=panel_id).select_related("juror")
    for seat in seats:
        try:
            _send(seat.juror.phone, "Please report at 10:30 instead.")
        except requests.RequestException:  # expect: ERR002
            log.exception("delay notice failed seat=%s", seat.pk)
    return JsonResponse({"status": "sent", "recipients": len(seats)})
""",
        # A catch-all that logs and lets the handler go on to its success answer.
        """
@app.post("/webhooks/stripe")
async def stripe_webhook(event: dict):
    try:
        await apply_event(event)
    except Exception:  # expect: ERR002
        logger.exception("could not process stripe event %s", event["id"])
    return {"received": True}
""",
        """
def acknowledge(alert_id, conn):
    try:
        conn.execute("UPDATE alerts SET acked_at = now() WHERE id = $1", alert_id)
    except Exception:  # expect: ERR002
        logger.exception("could not acknowledge alert %s", alert_id)
        return {"alert_id": alert_id, "acked": True}
    return {"alert_id": alert_id, "acked": True}

def redeem(session, account, points):
    try:
        session.commit()
    except SQLAlchemyError as exc:  # expect: ERR002
        session.rollback()
        logger.error("could not record redemption: %s", exc)
        return {"status": "redeemed", "points": points}
    return {"status": "redeemed", "points": points, "balance": account.points}
""",
        """
from flask import jsonify

@app.post("/payments")
def charge():
    try:
        gateway.charge(request.json["amount"])
    except Exception as error:  # expect: ERR002
        logger.error(f"charge failed: {error}")
        return jsonify({"status": "success"})
    return jsonify({"status": "success"})
""",
        """
from fastapi.responses import JSONResponse

async def import_contacts(payload):
    try:
        await crm.bulk_import(payload.contacts)
    except Exception as exc:  # expect: ERR002
        print("import failed", exc)
        return JSONResponse(content={"imported": 0}, status_code=200)
""",
        """
def handle_message(message):
    try:
        process(message.body)
    except Exception as error:  # expect: ERR002
        logging.exception("processing failed")
        return True
""",
        """
def send_invoice(invoice):
    try:
        mailer.send(invoice.to_email())
    except SMTPException as error:  # expect: ERR002
        logger.error("could not send invoice %s: %s", invoice.id, error)
        return {"invoice_id": invoice.id}, 202
""",
        """
from django.http import HttpResponse, JsonResponse

def export_contacts(request):
    try:
        body = contacts.to_csv(request.user.account_id)
    except Exception:  # expect: ERR002
        logger.exception("contact export failed")
        return HttpResponse(b"", content_type="text/csv")
    return HttpResponse(body, content_type="text/csv")

def remove_attachment(request, attachment_id):
    try:
        storage.delete(attachment_id)
    except Exception as exc:  # expect: ERR002
        logger.error("could not delete attachment %s: %s", attachment_id, exc)
        return JsonResponse({"removed": True})
    return JsonResponse({"removed": True})
""",
        """
def publish_invoice(invoice):
    try:
        broker.publish("invoices", invoice.to_json())
    except BrokerTimeout:  # expect: ERR002
        logger.warning("invoice %s was not published", invoice.id, exc_info=True)
        return True
    return True
""",
        # The catch-all logs, one more log line says it went well, and the answer says the seat was changed.
        """
from fastapi import APIRouter

router = APIRouter()

@router.post("/subscriptions/{subscription_id}/seat-change")
def change_seat(subscription_id: int, seat_id: int, db=Depends(get_db)):
    sub = db.get(Subscription, subscription_id)
    try:
        sub.seat_id = seat_id
        db.commit()
    except Exception:  # expect: ERR002
        db.rollback()
        log.exception("seat change failed for subscription %s", sub.id)
    log.info("subscription %s moved to seat %s", sub.id, seat_id)
    return {"id": sub.id, "seat_id": seat_id, "status": "changed"}
""",
        # The refund call and the row that records it failed together; the answer is still a 200.
        """
import requests

@bp.post("/orders/<int:order_id>/refund")
def refund_order(order_id):
    try:
        requests.post(REFUNDS_URL, json={"order": order_id}, timeout=10).raise_for_status()
        db.execute("UPDATE orders SET status = 'refunded' WHERE id = ?", (order_id,))
        db.commit()
    except requests.RequestException:  # expect: ERR002
        log.exception("refund failed for order %s", order_id)
    return jsonify(order_id=order_id, status="refund_requested"), 200
""",
        # A database outage caught beside bad-input errors is swallowed with them, and the webhook answers that it
        # recorded the payment: the provider will not send it again.
        """
import psycopg
from flask import jsonify

@bp.post("/payments")
def payment_event():
    event = request.get_json()
    try:
        with connection() as conn:
            conn.execute("UPDATE stage_payments SET status = 'settled' WHERE provider_ref = %s", (event["id"],))
    except (psycopg.Error, LookupError, KeyError):  # expect: ERR002
        logger.exception("could not record settlement")
    return jsonify({"received": True})
""",
    )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if self.ctx.is_test:
            return
        facts = HandlerBody.of(node)
        if facts.leaves(self.ctx) or any(_records_failure(call) for call in facts.calls):
            return
        broad = is_broad(self.ctx, node)
        if not facts.returns:
            self._falls_through_to_success(node, facts, broad)
            return
        outside = not broad and _outside_failure(node)
        log_lines = [self.line_of(call) for call in facts.calls if self._signals_failure(call, broad, outside)]
        if not log_lines:
            return
        # Returning the normal value is a fallback, not a lie, after bad input (`InvalidOperation`: a default) or
        # when the block puts the failure into the answer itself (`form.add_error(...)`, `flash(...)`).
        fallback = (not broad and any(_EXPECTED_EXCEPTION.search(name) for name in _caught(node))) or any(
            _tells_user(call) for call in facts.calls)
        for statement in facts.returns:
            what = success_value(statement.value) or (None if fallback else self._normal_return(statement.value))
            if what is not None and self.line_of(statement) > min(log_lines) and not self._fails_open(node):
                # The finding spans the handler, from `except` to the return that reports success.
                self.report(node, f"The except block logs a failure and then returns {what}: the caller "
                                  "believes the operation worked and will not retry or report it.",
                            end_node=statement, confidence=None if broad else Confidence.medium)

    def _fails_open(self, node: cst.ExceptHandler) -> bool:
        """The function says it fails open (`Fails open: a Redis outage must not stop ...` in its docstring, or a
        comment in the block): letting the request through when a limiter or a cache is down is the design. Asked
        only before a report: the block's text needs its position, which most handlers never compute."""
        fn = self.ctx.function
        docstring = (fn.get_docstring() or "") if fn is not None else ""
        position = self.get_metadata(PositionProvider, node)
        block = "\n".join(self.ctx.lines[position.start.line - 1:position.end.line])
        return bool(_FAILS_OPEN.search(docstring) or _FAILS_OPEN.search(block))

    def _falls_through_to_success(self, node: cst.ExceptHandler, facts, broad: bool) -> None:
        """`try: queue(...) except Exception: log(...)` and then `return {"ok": True}` right after the `try`: a
        catch-all block that logs and lets the function go on to answer success."""
        outside = not broad and _outside_failure(node)
        if not (broad or outside) or facts.raises:
            return
        log_lines = [self.line_of(call) for call in facts.calls if self._signals_failure(call, broad, outside)]
        if not log_lines:
            return
        statement = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if statement is None:
            return
        try_node = next((t for t in findall(statement.body, cst.Try) if node in t.handlers), None)
        if try_node is None or try_node.orelse is not None or try_node.finalbody is not None:
            return
        following = _next_statement(statement.body, try_node)
        loop = None
        skips = _ends_in_continue(node.body)
        if following is None or _is_continue(following) or skips:
            # The `try` is what each iteration does (`for seat in seats: try: _send(...) except ...: log`), or its
            # failure skips the rest of the iteration (`except ...: log(...); continue`): the statement after the
            # loop answers for every item, the failed ones included.
            loop = next((n for n in findall(statement.body, cst.For)
                         if _ends_with(n.body, try_node) or (skips and try_node in n.body.body)), None)
            following = _next_statement(statement.body, loop) if loop is not None else None
        if (loop is None and not broad and not any(method(call) in _RECORDING for call in findall(try_node.body, cst.Call))
                and not findall(try_node.body, cst.For)):
            # An outside call that may fail on its own (a best-effort notice) is not the work itself; a loop in the
            # `try` is: the first failure stops it, and the items after it are never done.
            return
        while self._only_logs(following) or self._only_commits(following):
            # `log.info("done")` or the commit of what worked, between the `try` and the return, says nothing more
            following = _next_statement(statement.body, following)
        if isinstance(following, cst.SimpleStatementLine) and isinstance(following.body[0], cst.Return):
            returned = following.body[0]
            what = success_value(returned.value)
            if what is not None and not self._fails_open(node):
                self.report(node, f"The except block logs a failure and the function then returns {what}: the "
                                  "caller believes the operation worked and will not retry or report it.",
                            end_node=returned)

    @staticmethod
    def _only_commits(statement: cst.CSTNode | None) -> bool:
        return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
                and isinstance(statement.body[0], cst.Expr) and isinstance(statement.body[0].value, cst.Call)
                and method(statement.body[0].value) == "commit")

    def _only_logs(self, statement: cst.CSTNode | None) -> bool:
        return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
                and isinstance(statement.body[0], cst.Expr) and isinstance(statement.body[0].value, cst.Call)
                and logging_level(self.ctx, statement.body[0].value) is not None)

    def _normal_return(self, value: cst.BaseExpression | None) -> str | None:
        """The value the function returns when nothing failed, given again by the except block (`{"acked": True}`
        both ways), or a dict of the same literal entries with some left out: the caller cannot tell them apart."""
        fn = self.ctx.function
        if value is None or fn is None or is_none(value) or tells_failure(value):
            return None
        handled = {id(n) for handler in findall(fn.body, cst.ExceptHandler) for n in descendants(handler)}
        normal = [n.value for n in own_nodes(fn.body) if isinstance(n, cst.Return) and n.value is not None
                  and id(n) not in handled]
        for other in normal:
            if value.deep_equals(other) and not isinstance(value, (cst.Name, cst.Attribute)) and not _is_empty(value):
                return "the same value as when it succeeds"
            if isinstance(value, cst.Dict) and isinstance(other, cst.Dict) and _literal_subset(value, other):
                return "the success body, with fields left out"
        return None

    def _signals_failure(self, call: cst.Call, broad: bool, outside: bool) -> bool:
        if isinstance(call.func, cst.Name) and call.func.value == "print":
            return broad
        level = logging_level(self.ctx, call)
        if level is None:
            return False
        if LOG_LEVELS[level] >= (LOG_LEVELS["warning"] if broad else _ERROR_LEVEL):
            return True
        # A warning that an outside system failed ("could not publish ...", with the traceback) is a failure too.
        return outside and LOG_LEVELS[level] >= LOG_LEVELS["warning"] and _says_failed(call)


def _literal_subset(part: cst.Dict, whole: cst.Dict) -> bool:
    """Every entry of `part` is in `whole`, and at least one of them is a literal (`"status": "redeemed"`) or
    is keyed by a word that says what was done (`"accepted": len(readings)`): not merely the same ids echoed
    back."""
    def entries(d: cst.Dict) -> list[tuple[cst.BaseExpression, cst.BaseExpression]] | None:
        found = [(el.key, el.value) for el in d.elements if isinstance(el, cst.DictElement)]
        return found if len(found) == len(d.elements) else None

    mine, theirs = entries(part), entries(whole)
    if not mine or theirs is None:
        return False
    if not all(any(k.deep_equals(k2) and v.deep_equals(v2) for k2, v2 in theirs) for k, v in mine):
        return False
    return any(isinstance(v, (cst.SimpleString, cst.Integer)) or (isinstance(v, cst.Name) and v.value == "True")
               or (isinstance(k, cst.SimpleString) and str(k.evaluated_value).lower() in _DONE_KEYS | _STATUS_KEYS)
               for k, v in mine)


def _is_continue(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.Continue)


def _ends_with(body: cst.BaseSuite, statement: cst.CSTNode) -> bool:
    """The loop body's last statement is `statement`, or `statement` then `continue`."""
    statements = list(getattr(body, "body", ()))
    if _ends_in_continue(body):
        statements.pop()
    return bool(statements) and statements[-1] is statement


def _ends_in_continue(body: cst.BaseSuite) -> bool:
    statements = getattr(body, "body", ())
    return bool(statements) and _is_continue(statements[-1])


def _outside_failure(handler: cst.ExceptHandler) -> bool:
    """The block catches a failure of an outside system (`KafkaError`, `SMTPException`, `psycopg.Error`), not only
    bad input or an expected state (`KeyError`, `ValidationError`, `IntegrityError`, `AlreadyExists`): listed beside
    bad-input errors (`except (psycopg.Error, KeyError)`), the outage is handled the same way as the bad input."""
    names = _caught(handler)
    return bool(names) and all(names) and any(not _EXPECTED_EXCEPTION.search(name) for name in names)


def _says_failed(call: cst.Call) -> bool:
    """The log message says the operation failed, or the call attaches the traceback."""
    exc_info = keyword(call, "exc_info")
    if exc_info is not None and not (isinstance(exc_info.value, cst.Name) and exc_info.value.value in ("False", "None")):
        return True
    message = next((arg.value for arg in call.args if arg.keyword is None), None)
    parts = [message] if isinstance(message, cst.SimpleString) else (
        [p for p in message.parts if isinstance(p, cst.FormattedStringText)] if isinstance(message, cst.FormattedString)
        else [])
    text = " ".join(str(p.evaluated_value) if isinstance(p, cst.SimpleString) else p.value for p in parts)
    return bool(_FAILURE_TEXT.search(text))
