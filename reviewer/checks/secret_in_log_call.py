"""SEC007: a credential or a whole request dump passed to a logging call."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import attribute_path, descendants, is_literal
from reviewer.checks._security import (
    AssignmentTrackingCheck, expr_name, identifier_words, is_secret_name, not_secret_words, string_value,
)

_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log",
                          "msg", "trace", "success"})
_LOGGER_NAME = re.compile(r"_*(\w+_)?(log|logger)", re.IGNORECASE)
_LOGGING_MODULES = ("logging", "structlog", "loguru", "logbook")
# Keyword arguments of the logging call itself, not values written to the log.
_LOGGING_OPTIONS = frozenset({"exc_info", "stack_info", "stacklevel", "level", "msg"})
# Whole request parts: the Authorization header, cookies, passwords in a login body.
_REQUEST_DUMPS = frozenset({"headers", "json", "form", "get_json", "data", "body", "POST", "META", "cookies",
                            "COOKIES", "values", "get_data", "media", "get_media"})  # (Falcon's `req.get_media()`)
# Methods that copy a request part whole.
_COPIES = (".to_dict", ".copy", ".items", ".dict", ".model_dump")
# Calls that carry their arguments' text into the log line.
_TEXT_WRAPPERS = frozenset({"str", "repr", "dict", "format", "dumps", "pformat"})


def is_logged_secret_name(name: str | None) -> bool:
    """Credentials and card data: `password`, `access_token`, `api_key`, `Authorization`, `card_number`, `cvv`."""
    if not name:
        return False
    if is_secret_name(name):
        return True
    words = identifier_words(name)
    return (any(w in ("cvv", "cvc", "ssn", "cardnumber") for w in words)
            or ("card" in words and "number" in words) or name.lower() in ("auth_header", "authorization_header"))


def _request_dump(expr: cst.BaseExpression) -> str | None:
    """`request.headers`, `request.json`, `request.get_json()`, `await request.json()`: the whole part."""
    if isinstance(expr, cst.Await):
        expr = expr.expression
    if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
        expr = expr.left  # `request.get_json(silent=True) or {}`
    if isinstance(expr, cst.Call) and all(arg.keyword is not None for arg in expr.args):
        expr = expr.func  # `request.get_json()`, `request.get_json(force=True)`
    path = attribute_path(expr) if isinstance(expr, cst.Attribute) else None
    if path is None:
        return None
    for copy in _COPIES:  # `request.form.to_dict()`, `request.headers.items()`: the same part, copied
        path = path.removesuffix(copy)
    for root in ("request.", "self.request.", "req."):
        if path.startswith(root) and path[len(root):] in _REQUEST_DUMPS:
            return path
    return None

# Tokens that are credentials: `access_tokens`, `refresh_tokens`; any other qualifier counts something.
_SECRET_TOKEN_KINDS = frozenset({"access", "refresh", "id", "auth", "oauth", "bearer", "api", "session", "jwt", "user",
                                 "device", "reset", "csrf"})
# A format spec that prints a number: `.2f`, `d`, `,`, `>8.1%`.
_NUMBER_FORMAT = re.compile(r"[<>=^]?[+\- ]?#?0?\d*[,_]?(\.\d+)?[bcdeEfFgGnoxX%]")

class SecretInLogCall(AssignmentTrackingCheck):
    """A credential, card data or a whole request dump written to the logs.

    ## What it does
    Reports logging calls (`logging.*`, `logger.*`, `log.*`, `app.logger.*`, structlog and loguru
    loggers) whose arguments include a value named like a credential or card data (`password`,
    `token`, `access_token`, `api_key`, `secret`, `Authorization`, `card_number`, `cvv`, `ssn`), directly,
    inside an f-string, `%`/`+`/`.format` text, `str()`/`repr()`, a structlog keyword (`password=...`) or an
    `extra={...}` dict; the result of a function of the file that builds credential headers (`_headers()`); and
    whole request dumps (`request.headers`, `request.json`, `request.form`, a FastAPI handler's body model
    `body.model_dump()`, `form.dict()` after `form = request.POST`,
    `request.get_json()`, `request.POST`, `request.META`, `request.body`, Falcon's `req.get_media()`, copies of them
    such as
    `request.form.to_dict()`, also through a local name bound to one: `data = request.get_json()`, then
    `log.info("%s", data)`), and the `.headers` of a client (module-level or local) built with a credential header
    (`client = httpx.Client(headers={"Authorization": f"Bearer {KEY}"})`, then
    `log.debug(dict(client.headers))`; or a name given one anywhere in the file, `http.headers["X-Api-Key"] = key`
    or `http.headers.update({...})`, also on an attribute, `self.session.headers.update({...})` in `__init__`),
    and an attribute given a dict with a credential key anywhere in the file (`self._headers = {"X-Api-Key": key}`).
    Text built above from a secret counts as the secret
    (`link = f"...?token={token}"`, then `log.info("%s", link)`). A value is also a secret when the
    message names it (`"password reset code %s"`, `f"token={value}"`), when it has a plural credential
    name (`tokens`, `access_tokens`, `credentials`; not `total_tokens` and other counts, nor any `tokens` in ML
    code, where tokens are word pieces), or when it is a dict built
    in the function, or returned by a module function, with a credential key
    (`headers = {"Authorization": f"Bearer {token}"}`, `headers = _auth_headers()`).

    ## Why is this bad?
    Logs are copied to log files, aggregators, backups and support tickets, read by far more people than
    the database, and kept for months. A logged password or token is a leaked one; a logged card number
    breaks PCI DSS. Headers carry `Authorization` and cookies; login bodies carry passwords. Log an id, a
    length or a masked suffix instead.

    ## Known limits
    Names describe values: `len(password)`, `token[-4:]`, `bool(api_key)` and anything passed through
    another call (`mask(token)`) are trusted, and a secret held in a variable with an innocent name is not
    found. `print` is not judged here. Test files are skipped.
    """

    id = "SEC007"
    VALID = (
        # A handler's body model logged by one field, and a dict built from a non-request object.
        """
import logging
from fastapi import APIRouter
log = logging.getLogger(__name__)
router = APIRouter()

@router.post("/rentals/{rental_id}/pay")
async def pay(rental_id: int, body: StallFeePayment):
    log.info("payment for rental %s: %s cents", rental_id, body.amount_cents)  # ok: SEC007
    log.info("quote %s", quote_for(rental_id).model_dump())  # ok: SEC007
""",
        """
import logging

logger = logging.getLogger(__name__)

def login(user, password, token):
    logger.info("login attempt for %s", user.email)  # ok: SEC007
    logger.debug("password length %d, token ends with %s", len(password), token[-4:])  # ok: SEC007
    logger.info("issued %s token, expires in %ss", user.token_type, user.token_expires_in)  # ok: SEC007
    logger.info("token %s revoked", user.token_id)  # ok: SEC007
""",
        """
import structlog

log = structlog.get_logger()

def record_usage(request, usage):
    log.info("completion", total_tokens=usage.total_tokens, path=request.path)  # ok: SEC007
    log.info("client", agent=request.headers.get("User-Agent"))  # ok: SEC007

class TokenBucket:
    def acquire(self, initial_tokens):
        log.debug(f"acquire: {self._tokens:.2f} left")  # ok: SEC007
        log.info(f"pruned history from {initial_tokens} tokens")  # ok: SEC007
""",
        # The token inside a link built above; a client given its API key in another function.
        """
import logging
import requests

log = logging.getLogger(__name__)

def email_login_link(user, token):
    link = f"https://app.example.com/auth/callback?token={token}"
    log.info("magic link for user %s: %s", user.id, link)  # expect: SEC007

def submit(http, order):
    log.info("order %s, headers=%s", order.id, dict(http.headers))  # expect: SEC007
    return http.post("https://partner.example.com/jobs", json=order.payload, timeout=10)

def run(cfg, orders):
    http = requests.Session()
    http.headers.update({"X-Api-Key": cfg.api_key})
    for order in orders:
        submit(http, order)
""",
        # A link with no secret in it; a client's headers with nothing secret set on them.
        """
import logging
import requests

log = logging.getLogger(__name__)

def share(order):
    link = f"https://app.example.com/orders/{order.id}"
    log.info("order link %s", link)  # ok: SEC007

def submit(http, order):
    http.headers.update({"Accept": "application/json"})
    log.info("order %s, headers=%s", order.id, dict(http.headers))  # ok: SEC007
""",
    )
    INVALID = (
        # The session's headers get the key in `__init__`; another method logs them.
        """
import logging
import requests

log = logging.getLogger(__name__)

class SupplierClient:
    def __init__(self, api_key):
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {api_key}", "Accept": "application/json"})

    def place_order(self, payload):
        log.info("restock headers=%s payload=%s", dict(self.session.headers), payload)  # expect: SEC007
        return self.session.post("https://supplier.example/orders", json=payload, timeout=10)
""",
        # A copy of the whole form, through a local name.
        """
import logging
log = logging.getLogger(__name__)

def register(request):
    form = request.POST
    log.info("registration submitted: %s", form.dict())  # expect: SEC007
""",
        # A FastAPI handler's request body, dumped whole.
        """
import logging
from fastapi import APIRouter
log = logging.getLogger(__name__)
router = APIRouter()

@router.post("/rentals/{rental_id}/pay")
async def pay(rental_id: int, body: StallFeePayment):
    log.info("payment for rental %s: %s", rental_id, body.model_dump())  # expect: SEC007
""",
        # A function that builds the credential headers, called right in the log line.
        """
import logging
log = logging.getLogger(__name__)

def _headers():
    return {"Authorization": f"Bearer {API_TOKEN}"}

def reserve(payload):
    log.info("reserve headers=%s body=%s", _headers(), payload)  # expect: SEC007
""",
        """
import logging
log = logging.getLogger(__name__)

class CarrierClient:
    async def rates(self, carrier, payload):
        headers = {**self._headers(carrier), "Idempotency-Key": payload["id"]}
        log.debug("requesting rates headers=%s", headers)  # expect: SEC007
        return await self.http.post(carrier.url, json=payload, headers=headers)

    def _headers(self, carrier):
        return {"Authorization": f"Bearer {carrier.api_token}"}
""",
        """
import logging
import httpx
from flask import request

logger = logging.getLogger(__name__)
client = httpx.Client(base_url="https://channel.example", headers={"Authorization": f"Bearer {API_KEY}"})

def push(payload):
    logger.debug("PUT /availability headers=%s", dict(client.headers))  # expect: SEC007
    return client.put("/availability", json=payload)

def login():
    logger.warning("failed login: %s", request.form.to_dict())  # expect: SEC007
""",
        """
import logging
from flask import Flask, request

app = Flask(__name__)
logger = logging.getLogger(__name__)

@app.post("/login")
def login():
    body = request.get_json()
    logger.info(f"login attempt {body['username']} / {body['password']}")  # expect: SEC007
    payload = request.get_json(force=True)
    logger.info("login payload=%s", payload)  # expect: SEC007
    logger.debug("incoming headers: %s", request.headers)  # expect: SEC007
    return {"ok": True}
""",
        """
import logging

log = logging.getLogger("payments")

def charge(card_number, cvv, amount, api_key):
    log.info("charging card %s (cvv %s) for %s", card_number, cvv, amount)  # expect: SEC007
    log.debug("using key " + api_key)  # expect: SEC007
""",
        """
import structlog
from django.conf import settings

logger = structlog.get_logger()

def refresh(session):
    logger.info("token refreshed", access_token=session.access_token)  # expect: SEC007
    logger.warning("fallback", extra={"secret": settings.WEBHOOK_SECRET})  # expect: SEC007
""",
        """
import logging
import requests

logger = logging.getLogger(__name__)

def send_reset(user, code, api_token, payload):
    logger.info("password reset code %s issued for %s", code, user.email)  # expect: SEC007
    headers = {"Authorization": f"Bearer {api_token}", "Content-Type": "application/json"}
    logger.debug("bank request headers=%s", headers)  # expect: SEC007
    tokens = requests.post("https://idp.example.com/token", data=payload, timeout=5).json()
    logger.debug("token response from idp: %s", tokens)  # expect: SEC007
""",
        """
import logging
import aiohttp

logger = logging.getLogger(__name__)

async def export(url, token, payload):
    session = aiohttp.ClientSession(base_url=url, headers={"Authorization": f"Bearer {token}"})
    logger.debug("export client headers=%s", dict(session.headers))  # expect: SEC007
    await session.close()
""",
        # Falcon's parsed body of a login request; a client's credential headers kept on `self` and logged later.
        """
import logging
import httpx

logger = logging.getLogger(__name__)

class OrganiserLogin:
    def on_post(self, req, resp):
        data = req.get_media()
        logger.info("organiser login attempt: %s", data)  # expect: SEC007

class ChandleryClient:
    def __init__(self, api_key):
        self._headers = {"X-Api-Key": api_key, "Accept": "application/json"}
        self._client = httpx.Client(headers=self._headers, timeout=10)

    def _request(self, method, path):
        logger.debug("chandlery %s %s headers=%s", method, path, self._headers)  # expect: SEC007
        return self._client.request(method, path)
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._ml: bool | None = None
        # Module functions that return a dict with a credential in it (`def _headers(): return {"Authorization":
        # ...}`): a variable assigned their result holds the credential too.
        self._credential_builders: set[str] | None = None
        self._module: cst.Module | None = None
        # Clients built with credential headers (`httpx.Client(headers={"Authorization": ...})`), at module level
        # (function None) or in a function: logging their `.headers` logs the credential.
        self._credential_clients: set[tuple[cst.FunctionDef | None, str]] = set()
        # Attributes given a dict with a credential in it (`self._headers = {"X-Api-Key": key, ...}` in `__init__`):
        # logging the attribute in another method logs the credential.
        self._credential_fields: set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        value = node.value
        if isinstance(value, cst.Call) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            headers = next((a.value for a in value.args if a.keyword is not None and a.keyword.value == "headers"),
                           None)
            if headers is not None and self._is_credential_dict(headers):
                self._credential_clients.add((self.ctx.function, node.targets[0].target.value))

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self._module = node
        # `http.headers["X-Api-Key"] = key`, `http.headers.update({"Authorization": ...})`: a client given a
        # credential header, perhaps in another function than the one that logs it (and after it in the file), so
        # the name counts in the whole file. Only files that speak of headers are walked for it.
        for assign in descendants(node) if "headers" in self.ctx.text else ():
            if (isinstance(assign, cst.Call) and isinstance(assign.func, cst.Attribute)
                    and assign.func.attr.value == "update" and isinstance(assign.func.value, cst.Attribute)
                    and assign.func.value.attr.value == "headers"
                    and attribute_path(assign.func.value.value) is not None
                    and assign.args and self._is_credential_dict(assign.args[0].value)):
                # `http.headers.update({...})`, `self.session.headers.update({...})` in `__init__`
                self._credential_clients.add((None, attribute_path(assign.func.value.value)))
            if not isinstance(assign, cst.Assign) or is_literal(assign.value):
                continue
            if self._is_credential_dict(assign.value):
                self._credential_fields.update(path for target in assign.targets
                                               if isinstance(target.target, cst.Attribute)
                                               and (path := attribute_path(target.target)) is not None)
            for target in assign.targets:
                item = target.target
                headers = item.value if isinstance(item, cst.Subscript) else None
                if (isinstance(headers, cst.Attribute) and headers.attr.value == "headers"
                        and attribute_path(headers.value) is not None and len(item.slice) == 1
                        and isinstance(item.slice[0].slice, cst.Index)
                        and self._is_secret_name(string_value(item.slice[0].slice.value))):
                    self._credential_clients.add((None, attribute_path(headers.value)))

    def _builders(self) -> set[str]:
        """Functions and methods that return a dict with a credential in it, wherever they are defined in the file
        (a log call may come before the builder it uses); found on the first log call that needs them."""
        if self._credential_builders is None:
            self._credential_builders = set()
            for statement in (self._module.body if self._module is not None else ()):
                inner = statement.body.body if isinstance(statement, cst.ClassDef) and isinstance(
                    statement.body, cst.IndentedBlock) else [statement]
                for fn in inner:
                    if isinstance(fn, cst.FunctionDef) and any(
                            isinstance(n, cst.Return) and n.value is not None and self._is_credential_dict(n.value)
                            for n in descendants(fn.body)):
                        self._credential_builders.add(fn.name.value)
        return self._credential_builders

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self.ctx.is_test or not isinstance(func, cst.Attribute) or func.attr.value not in _LOG_METHODS:
            return
        if not self._is_logger(func.value):
            return
        positional = [arg.value for arg in node.args if arg.keyword is None and arg.star == ""]
        said = _secrets_named_in_message(positional)
        for index, arg in enumerate(node.args):
            if arg.keyword is not None:
                if arg.keyword.value in _LOGGING_OPTIONS:
                    continue
                if self._is_secret_name(arg.keyword.value) and not is_literal(arg.value):
                    self._report(node, arg.keyword.value)
                    return
            found = self._find_secret(arg.value)
            if found is None and arg.keyword is None and index in said and _may_hold_secret(arg.value):
                self._report(node, piece_name(arg.value), said[index])
                return
            if found is not None:
                if isinstance(found, tuple):
                    self._report(node, *found)
                else:
                    self._report(node, found)
                return

    def _is_logger(self, receiver: cst.BaseExpression) -> bool:
        qualified = self.ctx.qualify(receiver) or ""
        if qualified.split(".")[0] in _LOGGING_MODULES:
            return True
        name = expr_name(receiver)
        return name is not None and bool(_LOGGER_NAME.fullmatch(name))

    def _is_secret_name(self, name: str | None) -> bool:
        if is_logged_secret_name(name):
            return True
        if not name:
            return False
        words = identifier_words(name)
        # `tokens` (an OAuth token response), `credentials`: plural names of secrets, except in ML code
        # where tokens are word pieces and counts.
        if not words or words[-1] not in _PLURAL_SECRETS or not_secret_words(words):
            return False
        if words[-1] == "tokens" and len(words) > 1 and words[-2] not in _SECRET_TOKEN_KINDS:
            return False  # `total_tokens`, `initial_tokens`, `max_tokens`: counts
        if self._ml is None:
            self._ml = self.ctx.imports_module(*_ML_MODULES)
        return not (words[-1] == "tokens" and self._ml)

    def _report(self, node: cst.Call, what: str, said: str | None = None) -> None:
        if what.startswith(("request.", "self.request.", "req.")):
            message = f"`{what}` is written to the logs whole: Authorization headers, cookies and passwords in it " \
                      "end up in every log store."
        elif said is not None:
            message = (f"`{what}` is written to the logs as the {said}: everyone who can read the logs can use "
                       "it.")
        else:
            message = f"`{what}` is written to the logs: everyone who can read the logs gets this credential."
        self.report(node, message)

    def _find_secret(self, expr: cst.BaseExpression, _depth: int = 0) -> str | tuple[str, str] | None:
        """The name of a secret or request dump carried into the log text by this expression, if any (`_depth`:
        how many local names were followed to reach it; one is enough)."""
        dump = _request_dump(expr)
        if dump is not None:
            return dump
        owner = attribute_path(expr.value) if isinstance(expr, cst.Attribute) and expr.attr.value == "headers" else None
        if owner is not None and ((self.ctx.function, owner) in self._credential_clients
                                  or (None, owner) in self._credential_clients):
            return f"{owner}.headers"
        if isinstance(expr, cst.Attribute) and attribute_path(expr) in self._credential_fields:
            return attribute_path(expr)
        if isinstance(expr, (cst.Name, cst.Attribute, cst.Subscript)) or (
                isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "get"):
            name = expr_name(expr)
            if self._is_secret_name(name):
                return name
            if isinstance(expr, cst.Name) and self._holds_credentials(expr.value):
                return expr.value
            if isinstance(expr, cst.Name):
                # `data = request.get_json()` ... `logger.info("payload=%s", data)`: the whole body.
                assigned = self.assignments_here()
                values = assigned.get(expr.value) if assigned is not None else None
                if values and _request_dump(values[-1]) is not None:
                    return _request_dump(values[-1])
                # `link = f"{base}/login?token={token}"` ... `log.info("link %s", link)`: the token, in the link.
                if values and isinstance(values[-1], (cst.FormattedString, cst.BinaryOperation)) and not _depth:
                    return self._find_secret(values[-1], _depth=1)
            return None
        children: list[cst.BaseExpression] = []
        if isinstance(expr, cst.FormattedString):
            before = ""
            for part in expr.parts:
                if isinstance(part, cst.FormattedStringText):
                    before = part.value
                    continue
                if _NUMBER_FORMAT.fullmatch("".join(
                        getattr(piece, "value", "") for piece in part.format_spec or ())) and part.format_spec:
                    before = ""
                    continue  # `{self._tokens:.2f}`: formatted as a number, so a count, not a credential
                children.append(part.expression)
                # f"reset code {code}": the text right before the value says what it is.
                label = _SAID_SECRET.search(before)
                if label and _may_hold_secret(part.expression):
                    return piece_name(part.expression), label.group(1).strip().lower()
                before = ""
        elif isinstance(expr, cst.BinaryOperation):
            children = [expr.left, expr.right]
        elif isinstance(expr, (cst.Tuple, cst.List)):
            children = [el.value for el in expr.elements]
        elif isinstance(expr, cst.Dict):
            for element in expr.elements:
                if not isinstance(element, cst.DictElement):
                    continue
                key = string_value(element.key)
                if self._is_secret_name(key) and not is_literal(element.value):
                    return key
                children.append(element.value)
        elif isinstance(expr, cst.Call):
            func = expr.func
            callee = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
            if callee in _TEXT_WRAPPERS and not (isinstance(func, cst.Attribute) and f".{callee}" in _COPIES):
                children = [arg.value for arg in expr.args]
                if isinstance(func, cst.Attribute) and callee == "format":
                    children.append(func.value)
            elif isinstance(func, cst.Attribute) and f".{callee}" in _COPIES:
                # `form.dict()` with `form = request.POST`; `body.model_dump()` of a handler's request body
                if isinstance(func.value, cst.Name) and func.value.value in self._request_bodies():
                    return f"{func.value.value}.{callee}()"
                children = [func.value]
            elif isinstance(func, cst.Name) and not expr.args and callee in self._builders():
                return f"{callee}()"  # `log.info("headers=%s", _headers())`
        for child in children:
            found = self._find_secret(child, _depth)
            if found is not None:
                return found
        return None

    def _request_bodies(self) -> set[str]:
        """A route handler's parameters typed with a model class and no default (`body: StallFeePayment`): the
        request body FastAPI parses into it."""
        fn = self.ctx.function
        if fn is None or not self.ctx.is_handler(fn):
            return set()
        found = set()
        for param in fn.params.params:
            annotation = param.annotation.annotation if param.annotation is not None else None
            if (param.default is None and isinstance(annotation, cst.Name) and annotation.value[:1].isupper()
                    and annotation.value not in ("Request", "Response", "HTTPConnection", "WebSocket",
                                                 "BackgroundTasks", "UploadFile")):
                found.add(param.name.value)
        return found

    def _holds_credentials(self, name: str) -> bool:
        """`headers = {"Authorization": f"Bearer {token}"}` earlier in the function: logging `headers` leaks it."""
        assignments = self.assignments_here()
        for value in (assignments.get(name) if assignments is not None else None) or ():
            if self._is_credential_dict(value) or self._builds_credentials(value):
                return True
        return False

    def _builds_credentials(self, value: cst.BaseExpression) -> bool:
        """`_headers()`, `self._headers(carrier)`: a call to a function or method of this file that returns one."""
        if not isinstance(value, cst.Call):
            return False
        func = value.func
        name = func.value if isinstance(func, cst.Name) else (
            func.attr.value if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
            and func.value.value in ("self", "cls") else None)
        return name is not None and name in self._builders()

    def _is_credential_dict(self, value: cst.BaseExpression) -> bool:
        """`{"Authorization": f"Bearer {token}"}`, or `{**_headers(), "Idempotency-Key": key}`."""
        return isinstance(value, cst.Dict) and any(
            (isinstance(el, cst.DictElement) and self._is_secret_name(string_value(el.key))
             and not is_literal(el.value))
            or (isinstance(el, cst.StarredDictElement) and self._builds_credentials(el.value))
            for el in value.elements)


# "password reset code %s", "token=%s", "api key: {}": the message names the value that follows it.
_SAID_SECRET = re.compile(
    r"((?:password|passwd|secret|token|api[ _-]?key|otp|pin|cvv|card number|(?:reset|verification|confirmation"
    r"|login|one[- ]time|2fa|mfa|sms|auth|access) code))\W{0,3}(?:is\s*|was\s*)?[:=]?\s*['\"]?$", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]|\{[^{}]*\}")
_PLURAL_SECRETS = frozenset({"tokens", "credentials", "secrets", "passwords", "creds"})
_ML_MODULES = ("torch", "numpy", "tensorflow", "transformers", "tiktoken", "tokenizers", "openai", "anthropic",
               "llama_cpp", "sentencepiece", "nltk", "spacy")


def _secrets_named_in_message(positional: list[cst.BaseExpression]) -> dict[int, str]:
    """For `logger.info("reset code %s for %s", code, email)`: {1: "reset code"}, by argument index."""
    if not positional:
        return {}
    message = string_value(positional[0])
    if message is None:
        return {}
    said: dict[int, str] = {}
    index = 0
    for found in _PLACEHOLDER.finditer(message):
        if found.group(0) == "%%":
            continue
        index += 1
        label = _SAID_SECRET.search(message[:found.start()])
        if label:
            said[index] = label.group(1).strip().lower()
    return said


def _may_hold_secret(expr: cst.BaseExpression) -> bool:
    """A value that can be the secret the message names: not a literal, a length, a mask or an id."""
    if is_literal(expr) or not isinstance(expr, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)):
        return False
    if isinstance(expr, cst.Call) and not (isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "get"):
        return False  # len(code), mask(token), hash(...)
    if isinstance(expr, cst.Subscript) and not isinstance(expr.slice[0].slice, cst.Index):
        return False  # token[-4:]
    name = expr_name(expr)
    return not (name and not_secret_words(identifier_words(name)))


def piece_name(expr: cst.BaseExpression) -> str:
    return expr_name(expr) or "the value"
