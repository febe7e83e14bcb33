"""OBS002: a broad except block that logs the exception as text and drops its traceback."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import PythonCheck, attribute_path, findall, is_name, own_nodes
from reviewer.checks.exception_swallowed import (LOG_LEVELS, HandlerBody, is_broad, keeps_traceback,
                                                 logging_level, records_traceback)

# Exceptions that frameworks turn into an HTTP response without logging: `HTTPException`, aiohttp's
# `web.HTTPInternalServerError`, DRF's `APIException`, Django's `Http404`.
_RESPONSE_EXCEPTION = re.compile(r"^(HTTP(?!Error$)[A-Z]\w*|\w*HTTPException|APIException|Http404)$")
# Roots of a library's (or the OS's) failures, besides the `...Exception` ones.
_FAILURE_ROOTS = frozenset({
    "OSError", "IOError", "EnvironmentError", "SQLAlchemyError", "DBAPIError", "DatabaseError", "RedisError",
    "KafkaError", "BotoCoreError", "ClientError", "RequestError", "HTTPError", "TransportError", "AMQPError",
    "PyMongoError", "RpcError", "GoogleAPIError", "SMTPException", "ClientResponseError", "PostgresError",
})
# Database and messaging drivers whose root exception is plain `Error` (PEP 249 names it so): `psycopg.Error`.
_DRIVERS_WITH_ERROR_ROOT = frozenset({
    "psycopg", "psycopg2", "sqlite3", "pymysql", "MySQLdb", "mysql.connector", "oracledb", "cx_Oracle", "pyodbc",
    "pymssql", "aiosqlite", "aiomysql", "pika.exceptions", "grpc",
})
# Exceptions for bad input or a state the code expects: logging their message alone is often all that matters.
_EXPECTED_EXCEPTION = re.compile(
    r"Key|Index|Lookup|Value|Type|Attribute|Valid|Pars|Decod|Format|Integrity|Unique|Duplicate|Exist|NotFound|"
    r"Conflict|Permission|Forbidden|Auth|Denied|Http404|Declin|Insufficient|Empty|StopIteration|Rejected",
)
class ExceptionLoggedWithoutTraceback(PythonCheck):
    """`logger.error(f"failed: {e}")` in an `except Exception as e:` that does not re-raise.

    ## What it does
    Inside an `except Exception as e:` (or `BaseException`, or a tuple containing one) block that
    does not re-raise, reports each logging call at warning, error or critical level (`logger.error`,
    `logging.warning`, `log.critical`, `logger.log(logging.ERROR, ...)`) whose arguments use the
    exception only as text: `str(e)`, `f"{e}"`, `"%s", e`, `repr(e)`, `e.args`, `extra={"error": e}`,
    and that passes neither `exc_info` nor `stack_info`. In a block for the root of a library's
    failures (`requests.RequestException`, `SMTPException`, `SQLAlchemyError`, `OSError`, a database
    driver's `Error` such as `psycopg.Error` or `sqlite3.Error`, a library's error named after it such as
    `stripe.StripeError`, any `...Exception`), where many
    different failures end up, error and critical logs are reported the same way (also when the tuple caught lists
    bad-input errors beside the root: `(requests.RequestException, KeyError)`); not for a leaf (`TimeoutError`)
    or for bad input or an expected state (`ValueError`,
    `ValidationError`, `DoesNotExist`). `logger.exception(...)` keeps the traceback
    and is not reported; debug and info logs are not reported; a block that re-raises
    (`raise`, `raise X from e`) keeps the traceback for whoever handles it and is not reported,
    unless what it raises is an HTTP error the framework turns into a response without logging
    (`HTTPException`, `web.HTTPInternalServerError`, `APIException`); nor is a block that records
    the traceback another way (another log call with `exc_info`, even at
    debug level, `traceback.format_exc()`, `sentry_sdk.capture_exception`), nor a retry inside a
    loop that sleeps before the next attempt.

    The same holds in an app's catch-all error handler (`@app.errorhandler(Exception)`, `errorhandler(500)`,
    `@app.exception_handler(Exception)`): a log of its exception argument as text is reported.

    ## Why is this bad?
    The message says what went wrong, not where: `KeyError: 'id'` or `connection reset` with no
    stack leaves the on-call engineer guessing which of fifty call sites failed, and an exception the
    code did not expect (the reason for catching `Exception`) is exactly the one that needs its
    traceback. Use `logger.exception(...)` or pass `exc_info=True`.

    ## Known limits
    Warnings in blocks that catch a specific exception (`except RequestException as e:
    logger.warning("%s", e)`) are not reported, nor anything for a leaf or an expected error (judged
    by the exception's name: `TimeoutError`, `ValidationError`, `KeyError`, ...): for those the
    message is often all that matters. A project's own root exception named `...Error` is not
    recognised as a root. A log call that
    does not mention the exception at all, or passes it to a helper that logs, is not reported.
    Test files are skipped.
    """

    id = "OBS002"
    VALID = (
        """
def sync_inventory(items):
    try:
        warehouse.push(items)
    except Exception as error:
        logger.exception("inventory sync failed: %s", error)  # ok: OBS002
    try:
        warehouse.ack()
    except Exception as error:
        logger.error("ack failed: %s", error, exc_info=True)  # ok: OBS002
""",
        """
def parse_payload(raw):
    try:
        return Payload.model_validate_json(raw)
    except ValidationError as error:
        logger.warning("rejected payload: %s", error)  # ok: OBS002
        return None
""",
        """
def charge(order):
    try:
        return gateway.charge(order.total)
    except Exception as error:
        logger.error(f"charge failed for {order.id}: {error}")  # ok: OBS002
        raise PaymentError(order.id) from error
""",
        """
import traceback

def rebuild(index):
    try:
        index.rebuild()
    except Exception as error:
        logger.error("rebuild failed: %s %s", error, traceback.format_exc())  # ok: OBS002
""",
        """
import time

def connect_with_retry(attempts=5):
    for attempt in range(attempts):
        try:
            return open_connection()
        except Exception as error:
            logger.warning("attempt %d failed: %s", attempt, error)  # ok: OBS002
            time.sleep(2 ** attempt)
    raise ConnectionError("database unreachable")
""",
        """
def refresh(cache):
    try:
        cache.refresh()
    except Exception as error:
        logger.info("refresh skipped: %s", error)  # ok: OBS002
""",
        """
import requests

def import_row(row):
    try:
        return Order.from_row(row)
    except (KeyError, ValueError) as error:
        logger.error("rejected row %s: %s", row.get("id"), error)  # ok: OBS002
    try:
        return requests.get(row["url"], timeout=5).json()
    except requests.Timeout as error:
        logger.warning("upstream slow for %s: %s", row.get("id"), error)  # ok: OBS002
""",
    )
    INVALID = (
        # The library's root caught beside bad-input errors: every failure of the session still lands here.
        """
import logging
import requests

logger = logging.getLogger(__name__)

def remaining_credit(session, url):
    try:
        resp = session.get(url, timeout=5)
        resp.raise_for_status()
        return int(resp.json()["credit"])
    except (requests.RequestException, KeyError, ValueError) as exc:
        logger.error("could not read the credit: %s", exc)  # expect: OBS002
        return None
""",
        # `stripe.StripeError` is the root of every Stripe failure: which one it was is in the traceback.
        """
import stripe

def refund_all(bookings):
    for booking in bookings:
        try:
            stripe.Refund.create(payment_intent=booking.intent_id, idempotency_key=f"refund-{booking.id}")
        except stripe.StripeError as exc:
            log.error("refund failed for booking %s: %s", booking.id, exc)  # expect: OBS002
""",
        """
from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

app = Flask(__name__)

@app.errorhandler(Exception)
def handle_error(exc):
    if isinstance(exc, HTTPException):
        return jsonify(error=exc.description), exc.code
    app.logger.error("unhandled error on %s: %s", request.path, exc)  # expect: OBS002
    return jsonify(error="internal server error"), 500
""",
        """
import logging

logger = logging.getLogger(__name__)

def sync_inventory(items):
    try:
        warehouse.push(items)
    except Exception as e:
        logger.error(f"inventory sync failed: {e}")  # expect: OBS002
""",
        """
import logging
import psycopg

logger = logging.getLogger(__name__)

def reserve(pool, seat_id):
    try:
        with pool.connection() as conn:
            conn.execute("UPDATE seats SET held = true WHERE id = %s", (seat_id,))
    except psycopg.Error as exc:
        logger.error("reserve failed seat=%s: %s", seat_id, exc)  # expect: OBS002
        return False
""",
        """
import logging

def send_receipt(order):
    try:
        mailer.send(order.email, render_receipt(order))
    except (SMTPException, Exception) as exc:
        logging.warning("receipt not sent for %s: %s", order.id, str(exc))  # expect: OBS002
        return False
""",
        """
def consume(message):
    try:
        handle(message)
    except Exception as err:
        self.log.log(logging.ERROR, "handler crashed", extra={"error": repr(err)})  # expect: OBS002
""",
        """
import smtplib
from fastapi import HTTPException

def send_statement(account):
    try:
        mailer.send(account.email, render_statement(account))
    except smtplib.SMTPException as exc:
        logger.error("statement for %s not sent: %s", account.id, exc)  # expect: OBS002
        return False
    return True

def refresh_dashboard(dashboard_id):
    try:
        return dashboards.rebuild(dashboard_id)
    except Exception as exc:
        logger.error("dashboard rebuild failed: " + str(exc))  # expect: OBS002
        raise HTTPException(status_code=500, detail="rebuild failed")
""",
    )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if self.ctx.is_test or node.name is None or not isinstance(node.name.name, cst.Name):
            return
        broad = is_broad(self.ctx, node)
        if not broad and not _unexpected_failure(node):
            return
        facts = HandlerBody.of(node)
        if any(not _becomes_response(self.ctx, raised) for raised in facts.raises):
            return  # re-raised: whoever handles it higher up can log the traceback
        if any(records_traceback(self.ctx, call) for call in facts.calls):
            return
        if self.ctx.loop_stack and any((self.ctx.qualify(call.func) or "").endswith("sleep") for call in facts.calls):
            return  # a retry: the attempt's failure is expected, the final one is handled after the loop
        exception = node.name.name.value
        for call in facts.calls:
            level = logging_level(self.ctx, call)
            floor = LOG_LEVELS["warning"] if broad else LOG_LEVELS["error"]
            if level is None or level == "exception" or LOG_LEVELS[level] < floor:
                continue
            if keeps_traceback(call) or not self._mentions(call, exception):
                continue
            self.report(call, f"`{exception}` is logged as text without its traceback: the log says what failed "
                              "but not where, and this catch-all block hides every other trace of it.")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """`@app.errorhandler(Exception)` / `@app.exception_handler(Exception)`: the catch-all of every request. A
        log of its exception as text loses the traceback of every unexpected failure the app has."""
        if self.ctx.is_test or not _catch_all_handler(node):
            return
        params = [p.name.value for p in node.params.params if p.name.value not in ("self", "request")]
        if not params:
            return
        exception = params[0]
        calls = [n for n in own_nodes(node.body) if isinstance(n, cst.Call)]
        if any(records_traceback(self.ctx, call) for call in calls):
            return
        for call in calls:
            level = logging_level(self.ctx, call)
            if level is None or level == "exception" or LOG_LEVELS[level] < LOG_LEVELS["error"]:
                continue
            if keeps_traceback(call) or not self._mentions(call, exception):
                continue
            self.report(call, f"`{exception}` is logged as text without its traceback in the app's catch-all "
                              "error handler: every unexpected failure is logged with what went wrong but not where.")

    @staticmethod
    def _mentions(call: cst.Call, exception: str) -> bool:
        return any(findall(arg.value, lambda node: is_name(node, exception)) for arg in call.args)


def _catch_all_handler(fn: cst.FunctionDef) -> bool:
    """Registered for every exception or for 500: `@app.errorhandler(Exception)`, `@app.errorhandler(500)`,
    `@app.exception_handler(Exception)`."""
    for decorator in fn.decorators:
        call = decorator.decorator
        if not isinstance(call, cst.Call) or not call.args:
            continue
        name = (attribute_path(call.func) or "").rsplit(".", 1)[-1]
        if name not in ("errorhandler", "exception_handler", "app_errorhandler"):
            continue
        target = call.args[0].value
        caught = (attribute_path(target) or "").rsplit(".", 1)[-1] if not isinstance(target, cst.Integer) \
            else target.value
        if caught in ("Exception", "BaseException", "500", "InternalServerError"):
            return True
    return False


def _unexpected_failure(handler: cst.ExceptHandler) -> bool:
    """An except for the root of a library's failures (`requests.RequestException`, `SMTPException`,
    `SQLAlchemyError`, `OSError`): many different failures end up there, so which one it was matters. A leaf
    (`TimeoutError`, `requests.Timeout`) says it all in its message, and bad input or an expected state
    (`ValidationError`, `KeyError`, `DoesNotExist`) is not a failure."""
    if handler.type is None:
        return False
    types = [el.value for el in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
    paths = [attribute_path(t) or "" for t in types]
    names = [path.rsplit(".", 1)[-1] for path in paths]
    if not all(names):
        return False
    # One root is enough: `except (requests.RequestException, KeyError, ValueError)` still catches every failure
    # of the library, whatever else it lists.
    return any(not _EXPECTED_EXCEPTION.search(name) and (
        (path.rpartition(".")[0] in _DRIVERS_WITH_ERROR_ROOT and name == "Error")
        # A library's own root named after it: `stripe.StripeError`, `stripe.error.StripeError`.
        or ("." in path and name.lower() == path.split(".")[0].lower() + "error")
        or name.endswith("Exception") or name in _FAILURE_ROOTS) for path, name in zip(paths, names))


def _becomes_response(ctx, raised: cst.Raise) -> bool:
    """`raise HTTPException(500, ...)`: the framework turns it into a response and logs no traceback."""
    exc = raised.exc
    if isinstance(exc, cst.Call):
        exc = exc.func
    if exc is None:
        return False
    name = (ctx.qualify(exc) or attribute_path(exc) or "").rsplit(".", 1)[-1]
    return bool(_RESPONSE_EXCEPTION.match(name))
