"""OBS002: a broad except block that logs the exception as text and drops its traceback."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from reviewer.checks._base import PythonCheck, keyword
from reviewer.checks.exception_swallowed import LOG_LEVELS, HandlerBody, is_broad, logging_level

_FALSY = m.Name("False") | m.Name("None") | m.Integer("0")
# Calls that record the traceback elsewhere in the same block (a text log beside them loses nothing).
_TRACEBACK_KEEPERS = frozenset({
    "traceback.format_exc", "traceback.print_exc", "traceback.format_exception", "traceback.print_exception",
    "sentry_sdk.capture_exception", "capture_exception", "rollbar.report_exc_info", "bugsnag.notify",
})


class ExceptionLoggedWithoutTraceback(PythonCheck):
    """`logger.error(f"failed: {e}")` in an `except Exception as e:` that does not re-raise.

    ## What it does
    Inside an `except Exception as e:` (or `BaseException`, or a tuple containing one) block that
    does not re-raise, reports each logging call at warning, error or critical level (`logger.error`,
    `logging.warning`, `log.critical`, `logger.log(logging.ERROR, ...)`) whose arguments use the
    exception only as text: `str(e)`, `f"{e}"`, `"%s", e`, `repr(e)`, `e.args`, `extra={"error": e}`,
    and that passes neither `exc_info` nor `stack_info`. `logger.exception(...)` keeps the traceback
    and is not reported; debug and info logs are not reported; a block that re-raises
    (`raise`, `raise X from e`) keeps the traceback for whoever handles it and is not reported, nor
    is a block that records the traceback another way (another log call with `exc_info`, even at
    debug level, `traceback.format_exc()`, `sentry_sdk.capture_exception`), nor a retry inside a
    loop that sleeps before the next attempt.

    ## Why is this bad?
    The message says what went wrong, not where: `KeyError: 'id'` or `connection reset` with no
    stack leaves the on-call engineer guessing which of fifty call sites failed, and an exception the
    code did not expect (the reason for catching `Exception`) is exactly the one that needs its
    traceback. Use `logger.exception(...)` or pass `exc_info=True`.

    ## Known limits
    Blocks that catch a specific exception (`except ValidationError as e: logger.warning("%s", e)`)
    are not reported: for an expected error the message is often all that matters. A log call that
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
    )
    INVALID = (
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
    )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if self.ctx.is_test or node.name is None or not isinstance(node.name.name, cst.Name):
            return
        if not is_broad(self.ctx, node):
            return
        facts = HandlerBody.of(node)
        if facts.raises or any(self._records_traceback(call) for call in facts.calls):
            return
        if self.ctx.loop_stack and any((self.ctx.qualify(call.func) or "").endswith("sleep") for call in facts.calls):
            return  # a retry: the attempt's failure is expected, the final one is handled after the loop
        exception = node.name.name.value
        for call in facts.calls:
            level = logging_level(self.ctx, call)
            if level is None or level == "exception" or LOG_LEVELS[level] < LOG_LEVELS["warning"]:
                continue
            if self._keeps_traceback(call) or not self._mentions(call, exception):
                continue
            self.report(call, f"`{exception}` is logged as text without its traceback: the log says what failed "
                              "but not where, and this catch-all block hides every other trace of it.")

    def _records_traceback(self, call: cst.Call) -> bool:
        """A call in the block that keeps the traceback somewhere: then the text log beside it loses nothing."""
        if self.ctx.qualify(call.func) in _TRACEBACK_KEEPERS:
            return True
        level = logging_level(self.ctx, call)
        return level is not None and (level == "exception" or self._keeps_traceback(call))

    @staticmethod
    def _keeps_traceback(call: cst.Call) -> bool:
        for name in ("exc_info", "stack_info"):
            arg = keyword(call, name)
            if arg is not None and not m.matches(arg.value, _FALSY):
                return True
        return any(arg.star == "**" for arg in call.args)

    @staticmethod
    def _mentions(call: cst.Call, exception: str) -> bool:
        return any(m.findall(arg.value, m.Name(exception)) for arg in call.args)
