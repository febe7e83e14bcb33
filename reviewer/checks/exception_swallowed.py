"""ERR001: an exception caught broadly and dropped without a trace; also the except-handler helpers ERR002 and OBS002 share."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import FileContext, PythonCheck, attribute_path, findall, is_literal, is_name, keyword

_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
# Calls that end the process or the request: the error is not swallowed.
_EXITS = frozenset({"sys.exit", "os._exit", "exit", "quit", "flask.abort", "abort", "os.abort"})
# Best-effort cleanup whose failure is routinely ignored: closing, removing, stopping.
_CLEANUP_METHODS = frozenset({
    "close", "aclose", "shutdown", "unlink", "remove", "rmtree", "rmdir", "kill", "terminate", "cancel",
    "disconnect", "release", "stop", "quit", "cleanup", "join",
})
_EMPTY_FACTORIES = frozenset({"dict", "list", "set", "tuple", "str", "frozenset"})
# Calls in an except block that undo or release and say nothing about the failure.
_UNDO_METHODS = frozenset({"rollback", "close", "aclose"})
# Functions on a shutdown path, where a failure is routinely dropped.
_SHUTDOWN_FUNCTION = re.compile(
    r"^_*(del|exit|aexit|close|aclose|shutdown|stop|cleanup|teardown|dispose|terminate|on_shutdown)_*$")
# Calls that build an HTTP response: `redirect`, `jsonify`, `render_template`, `HttpResponse`, `json_response`.
_RESPONSE_BUILDER = re.compile(r"redirect|response|render|jsonify|^HTTP[A-Z]", re.IGNORECASE)
# A returned response that carries an error status or says it failed: the failure is reported to the client.
_ERROR_WORDS = re.compile(r"error|fail|invalid|unavailable|denied|forbidden|unauthori", re.IGNORECASE)
LOG_LEVELS = {"debug": 10, "info": 20, "warning": 30, "warn": 30, "error": 40, "exception": 40,
              "critical": 50, "fatal": 50}
_LOGGER_NAME = re.compile(r"^_*(\w+_)?(log|logger)$", re.IGNORECASE)
def is_trivial_statement(statement: cst.CSTNode) -> bool:
    """`pass`, `continue`, `break`, `...` or a bare string."""
    return isinstance(statement, (cst.Pass, cst.Continue, cst.Break)) or (
        isinstance(statement, cst.Expr) and isinstance(statement.value, (cst.Ellipsis, cst.SimpleString)))


# ---------------------------------------------------------------------------
# Helpers shared by the except-handler checks (ERR001, ERR002, OBS002)


def is_broad(ctx: FileContext, handler: cst.ExceptHandler) -> bool:
    """`except:`, `except Exception`, `except BaseException`, or a tuple that contains one of them."""
    if handler.type is None:
        return True
    types = [el.value for el in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
    return any(ctx.qualify(t) in _BROAD for t in types)


class HandlerBody(cst.CSTVisitor):
    """The calls, raises and returns of an except block, not counting nested functions and classes."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[cst.Call] = []
        self.raises: list[cst.Raise] = []
        self.returns: list[cst.Return] = []

    @classmethod
    def of(cls, handler: cst.ExceptHandler) -> HandlerBody:
        facts = cls()
        handler.body.visit(facts)
        return facts

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_Raise(self, node: cst.Raise) -> None:
        self.raises.append(node)

    def visit_Return(self, node: cst.Return) -> None:
        self.returns.append(node)

    def leaves(self, ctx: FileContext) -> bool:
        """Whether the block re-raises or ends the process or request (`sys.exit`, `abort`)."""
        return bool(self.raises) or any(ctx.qualify(call.func) in _EXITS for call in self.calls)


def logging_level(ctx: FileContext, call: cst.Call) -> str | None:
    """The level of a logging call (`logger.error`, `logging.warning`, `log.log(logging.ERROR, ...)`), else None."""
    func = call.func
    if not isinstance(func, cst.Attribute):
        return None
    method = func.attr.value
    if method not in LOG_LEVELS and method != "log":
        return None
    if not is_logger(ctx, func.value):
        return None
    if method != "log":
        return method
    positional = [arg.value for arg in call.args if arg.keyword is None]
    level = attribute_path(positional[0]) if positional else None
    name = level.rsplit(".", 1)[-1].lower() if level else ""
    return name if name in LOG_LEVELS else None


# Calls that record the traceback elsewhere in the same block (a text log beside them loses nothing).
_TRACEBACK_KEEPERS = frozenset({
    "traceback.format_exc", "traceback.print_exc", "traceback.format_exception", "traceback.print_exception",
    "sentry_sdk.capture_exception", "capture_exception", "rollbar.report_exc_info", "bugsnag.notify",
})


def _is_falsy(value: cst.BaseExpression) -> bool:
    """`False`, `None` or `0`: a logging option turned off."""
    return is_name(value, "False") or is_name(value, "None") or (isinstance(value, cst.Integer) and value.value == "0")


def keeps_traceback(call: cst.Call) -> bool:
    """A logging call passed `exc_info` or `stack_info` (or `**kwargs` that may carry them)."""
    for name in ("exc_info", "stack_info"):
        arg = keyword(call, name)
        if arg is not None and not _is_falsy(arg.value):
            return True
    return any(arg.star == "**" for arg in call.args)


def records_traceback(ctx: FileContext, call: cst.Call) -> bool:
    """A call that keeps the traceback somewhere: `logger.exception`, `exc_info=True`, `traceback.print_exc()`,
    Sentry."""
    if ctx.qualify(call.func) in _TRACEBACK_KEEPERS:
        return True
    level = logging_level(ctx, call)
    return level is not None and (level == "exception" or keeps_traceback(call))


def is_logger(ctx: FileContext, receiver: cst.BaseExpression) -> bool:
    qualified = ctx.qualify(receiver) or ""
    if qualified == "logging" or qualified.startswith(("logging.getLogger", "structlog.", "loguru.logger")):
        return True
    path = attribute_path(receiver)
    return path is not None and bool(_LOGGER_NAME.match(path.rsplit(".", 1)[-1]))


def is_constant(expr: cst.BaseExpression | None) -> bool:
    """None, a literal, a dict of literals, or an empty `dict()`/`list()`: a default, not a result."""
    if expr is None or is_literal(expr):
        return True
    if isinstance(expr, cst.Dict):
        return all(isinstance(el, cst.DictElement) and is_literal(el.key) and is_literal(el.value)
                   for el in expr.elements)
    if isinstance(expr, cst.Call) and not expr.args and isinstance(expr.func, cst.Name):
        return expr.func.value in _EMPTY_FACTORIES
    return False


def _is_fixed_response(expr: cst.BaseExpression | None) -> bool:
    """`redirect(url_for("login"))`, `HttpResponse("")`: a response built only from constants that does not
    tell the client anything failed (no 4xx/5xx status, no error text)."""
    if not isinstance(expr, cst.Call) or not _constant_call(expr):
        return False
    if not _RESPONSE_BUILDER.search((attribute_path(expr.func) or "").rsplit(".", 1)[-1]):
        return False
    for node in findall(expr, lambda node: isinstance(node, (cst.Integer, cst.SimpleString, cst.Attribute)) or (
            isinstance(node, cst.Arg) and isinstance(node.keyword, cst.Name))):
        if isinstance(node, cst.Integer) and 400 <= node.evaluated_value < 600:
            return False
        if isinstance(node, cst.SimpleString) and _ERROR_WORDS.search(str(node.evaluated_value)):
            return False
        if isinstance(node, cst.Arg) and _ERROR_WORDS.search(node.keyword.value):
            return False
        if isinstance(node, cst.Attribute) and re.search(r"_[45]\d\d(_|$)|ERROR|FAIL", node.attr.value, re.IGNORECASE):
            return False
    return True


def _constant_call(expr: cst.BaseExpression, depth: int = 0) -> bool:
    if not isinstance(expr, cst.Call) or depth > 3 or attribute_path(expr.func) is None:
        return False
    for arg in expr.args:
        if arg.star:
            return False
        value = arg.value
        if not (is_literal(value) or attribute_path(value) is not None and not isinstance(value, cst.Name)
                or _constant_call(value, depth + 1)):
            return False
    return True


def _statements(body: cst.BaseSuite) -> list[cst.CSTNode]:
    if isinstance(body, cst.SimpleStatementSuite):
        return list(body.body)
    small: list[cst.CSTNode] = []
    for statement in body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            return [statement]  # a compound statement: the block does something
        small.extend(statement.body)
    return small


# Conversions and parsers whose only failure is "this value is not one": no I/O, nothing outside can break.
_PARSERS = frozenset({
    "int", "float", "complex", "bool", "str", "bytes", "len", "isinstance", "json.loads", "decimal.Decimal",
    "uuid.UUID", "ipaddress.ip_address", "ipaddress.ip_network", "ipaddress.IPv4Address", "ipaddress.IPv6Address",
    "ipaddress.IPv4Network", "ipaddress.IPv6Network", "datetime.datetime.strptime", "datetime.datetime.fromisoformat",
    "datetime.date.fromisoformat", "datetime.time.fromisoformat", "base64.b64decode", "base64.urlsafe_b64decode",
    "binascii.unhexlify", "bytes.fromhex", "urllib.parse.urlparse", "urllib.parse.urlsplit", "re.compile",
})


def is_probe(ctx: FileContext, node: cst.Try, handler: cst.ExceptHandler) -> bool:
    """The guarded code only imports an optional module, or it converts a value (`int(text)`,
    `ipaddress.ip_address(host)`) and the handler answers `False` (or `True`): "is this valid?" asked by trying.
    Its failure means "not available" or "not valid", and no outage or lost write can hide behind it. A parse that falls back
    to an empty value (`json.loads(stored)` -> `{}`) is still reported: corrupt data then looks like no data."""
    statements = _statements(node.body)
    if not statements:
        return False
    if all(isinstance(statement, (cst.Import, cst.ImportFrom)) for statement in statements):
        return True
    answers = _statements(handler.body)
    if not (len(answers) == 1 and isinstance(answers[0], cst.Return) and isinstance(answers[0].value, cst.Name)
            and answers[0].value.value in ("False", "True")):
        return False
    for statement in statements:
        if isinstance(statement, (cst.Import, cst.ImportFrom)):
            continue
        if not isinstance(statement, (cst.Assign, cst.Return, cst.Expr)):
            return False
        value = statement.value
        if value is None or isinstance(value, (cst.Await, cst.Yield)):
            return False
        for node in findall(value, (cst.Call, cst.Await, cst.Yield, cst.Subscript, cst.Attribute)):
            if isinstance(node, cst.Call):
                if ctx.qualify(node.func) not in _PARSERS:
                    return False
            elif not isinstance(node, cst.Attribute):
                return False  # an await, a lookup that may raise for its own reasons
        if isinstance(statement, cst.Assign) and not all(isinstance(t.target, cst.Name) for t in statement.targets):
            return False
    return True


def _only_cleanup(ctx: FileContext, body: cst.BaseSuite) -> bool:
    """The guarded code only closes, removes or stops things: ignoring its failure is a common choice."""
    statements = _statements(body)
    if not statements:
        return False
    for statement in statements:
        if not (isinstance(statement, cst.Expr) and isinstance(statement.value, (cst.Call, cst.Await))):
            return False
        call = statement.value.expression if isinstance(statement.value, cst.Await) else statement.value
        if not isinstance(call, cst.Call):
            return False
        name = ctx.qualify(call.func) or ""
        if name.rsplit(".", 1)[-1].strip("_") not in _CLEANUP_METHODS:
            return False
    return True


class ExceptionSwallowed(PythonCheck):
    """An exception caught broadly and then dropped: no log, no re-raise, just a default.

    ## What it does
    Reports a bare `except:` that neither re-raises nor logs the traceback (`logger.exception`,
    `exc_info=True`): it also catches `KeyboardInterrupt` and `SystemExit`, whatever else its body does;
    and an `except Exception` / `except BaseException` / `except (Exception, ...)` whose body only does
    `pass`, `continue`, `break`, `...`, returns or assigns to a local name a constant (`None`, `False`, `0`,
    `""`, `{}`, `[]`, `frozenset()`, a dict of literals) or a response built only from constants that does
    not say anything failed (`redirect(url_for("home"))`, not one with a 4xx/5xx status or an error text),
    rolls back or closes (`session.rollback()`), or counts
    (`failed += 1`). `with contextlib.suppress(Exception):` is the same thing and is reported too.
    A specific exception (`except FileNotFoundError: pass`, `except KeyError: return default`) is a
    deliberate choice and is not reported, nor is a `try` that only closes, removes or stops
    something (`conn.close()`, `os.remove(tmp)`), where ignoring a failure is a common best-effort
    cleanup, nor a `try` nested in an `except` or `finally` block, where a second failure is often
    dropped so that the first one is not masked, nor anything in a shutdown function (`close`,
    `shutdown`, `stop`, `__del__`, `__exit__`), nor a probe: a `try` that only imports an optional module, or
    only converts a value (`int(text)`, `ipaddress.ip_address(host)`) with a handler that answers a bool.

    ## Why is this bad?
    Every failure becomes silence: a database outage, a typo raising `NameError` and a bug in a
    dependency all look like "no result", the caller carries on with a default, data goes missing
    and nobody is told. When it finally shows up, nothing in the logs says where. Catch the specific
    exceptions you expect, and log (`logger.exception`) or re-raise everything else.

    ## Known limits
    A body that returns a variable, or returns a response built from variables (`redirect(next_url)`), is
    not reported; a default assigned to a name is reported even when later code notices it (`if value is
    None: logger.warning(...)`): the exception's type and traceback are lost either way. Test files are
    skipped: swallowing there hides test failures too, but most of it is teardown cleanup.
    """

    id = "ERR001"
    VALID = (
        """
import ipaddress

try:
    import ujson as json_impl
except Exception:  # ok: ERR001
    json_impl = None

def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except Exception:  # ok: ERR001
        return False
    return True

def thumbnail_url(logo):
    try:
        return make_thumbnail(logo).url
    except:  # ok: ERR001
        logger.exception("thumbnail of %s failed", logo)
        return logo.url
""",
        """
import json
import os

def load_settings(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except FileNotFoundError:  # ok: ERR001
        return {}
    except Exception:  # ok: ERR001
        logger.exception("could not read settings from %s", path)
        raise
""",
        """
def fetch_user(cache, user_id):
    try:
        return cache[user_id]
    except KeyError:  # ok: ERR001
        pass
    try:
        return load_from_db(user_id)
    except Exception as error:  # ok: ERR001
        log.warning("user lookup failed: %s", error, exc_info=True)
        return None
""",
        """
def checkout(cart):
    try:
        return payments.charge(cart)
    except Exception:
        try:
            cart.unlock()
        except Exception:  # ok: ERR001
            pass
        raise
""",
        """
import sys

def main():
    try:
        run()
    except:  # ok: ERR001
        sys.exit(1)

def close_quietly(connection):
    try:
        connection.close()
    except Exception:  # ok: ERR001
        pass
""",
        """
from flask import jsonify, redirect, url_for

def login_callback():
    try:
        profile = provider.fetch_profile(request.args["code"])
    except Exception:  # ok: ERR001
        return jsonify(error="login failed"), 502
    try:
        sessions.start(profile)
    except Exception:  # ok: ERR001
        db.session.rollback()
        raise
    return redirect(url_for("home"))

class Worker:
    def stop(self):
        try:
            self.flush_pending_acks()
            self.connection.close()
        except Exception:  # ok: ERR001
            pass
""",
    )
    INVALID = (
        """
def accrue_fines(today):
    try:
        closed = closed_days(today)
    except Exception:  # expect: ERR001
        closed = frozenset()
    return [fine_for(loan, today, closed) for loan in open_loans()]
""",
        """
def get_order(order_id):
    try:
        return db.session.get(Order, order_id)
    except Exception:  # expect: ERR001
        return None
""",
        """
def sync_all(accounts):
    for account in accounts:
        try:
            push_to_crm(account)
        except (ConnectionError, Exception):  # expect: ERR001
            continue
""",
        """
def parse_amount(text):
    try:
        return Decimal(text)
    except:  # expect: ERR001
        logger.warning("bad amount %r", text)
        return Decimal(0)
""",
        """
import contextlib
from contextlib import suppress

def publish(event):
    with contextlib.suppress(Exception):  # expect: ERR001
        broker.publish("orders", event)
    with suppress(BaseException):  # expect: ERR001
        metrics.increment("published")
""",
        """
from flask import redirect, url_for

def sso_return():
    try:
        user = identity.exchange(request.args["ticket"])
    except Exception:  # expect: ERR001
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for("dashboard", user=user.id))

def load_rows(session, rows):
    skipped = 0
    for row in rows:
        try:
            session.add(Entry(**row))
            session.commit()
        except Exception:  # expect: ERR001
            session.rollback()
            skipped += 1
    return skipped
""",
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._error_paths = 0  # depth of except and finally blocks around the visit

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._error_paths += 1

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self._error_paths -= 1

    def visit_Finally(self, node: cst.Finally) -> None:
        self._error_paths += 1

    def leave_Finally(self, original_node: cst.Finally) -> None:
        self._error_paths -= 1

    def _skipped(self, body: cst.BaseSuite) -> bool:
        # Inside an except or finally block, a second failure is often dropped on purpose so that the
        # first one (being handled or re-raised) is not masked; so is one on a shutdown path.
        function = self.ctx.function
        if function is not None and _SHUTDOWN_FUNCTION.search(function.name.value):
            return True
        return self.ctx.is_test or self._error_paths > 0 or _only_cleanup(self.ctx, body)

    def visit_Try(self, node: cst.Try) -> None:
        if self._skipped(node.body):
            return
        for handler in node.handlers:
            if not is_broad(self.ctx, handler):
                continue
            facts = HandlerBody.of(handler)
            if facts.leaves(self.ctx):
                continue
            if handler.type is None:
                if any(records_traceback(self.ctx, call) for call in facts.calls):
                    continue  # logged with its traceback: caught too broadly, but nothing disappears
                self.report(handler, "A bare `except:` catches every error, KeyboardInterrupt and SystemExit "
                                     "included, and carries on: failures disappear without a trace.")
            elif self._only_a_default(handler) and not is_probe(self.ctx, node, handler):
                self.report(handler, "This `except` catches every exception and drops it without logging: "
                                     "outages and bugs turn into silent default results.")

    def visit_With(self, node: cst.With) -> None:
        if self._skipped(node.body):
            return
        for item in node.items:
            call = item.item
            if (isinstance(call, cst.Call) and self.ctx.qualify(call.func) == "contextlib.suppress"
                    and any(self.ctx.qualify(arg.value) in _BROAD for arg in call.args)):
                self.report(item, "`suppress(Exception)` drops every exception without logging: outages "
                                  "and bugs in this block turn into silence.")

    def _only_a_default(self, handler: cst.ExceptHandler) -> bool:
        """Nothing but `pass`/`continue`, constant returns, a rollback or close, a counter, a fixed response."""
        for statement in _statements(handler.body):
            if is_trivial_statement(statement):
                continue
            if isinstance(statement, cst.Return) and (is_constant(statement.value)
                                                      or _is_fixed_response(statement.value)):
                continue
            if isinstance(statement, cst.AugAssign) and is_literal(statement.value):
                continue  # `failed += 1`: counted, but what failed and why is lost
            if isinstance(statement, cst.Assign) and is_constant(statement.value) and all(
                    isinstance(t.target, cst.Name) for t in statement.targets):
                continue  # `closed = frozenset()`: the same default as a `return`, only kept for later
            if isinstance(statement, cst.Expr) and self._is_cleanup_call(statement.value):
                continue
            return False
        return True

    def _is_cleanup_call(self, expr: cst.BaseExpression) -> bool:
        """`session.rollback()`, `await conn.close()`: undoes or releases, says nothing about the failure."""
        call = expr.expression if isinstance(expr, cst.Await) else expr
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            return False
        return call.func.attr.value.strip("_") in _UNDO_METHODS
