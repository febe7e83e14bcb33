"""Side effects for REL003 and REL004: what a call does outside the process, also through helpers in the same file."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import libcst as cst

from reviewer.checks._base import FileContext, PythonCheck, attribute_path, keyword
from reviewer.checks._neighbours import imported_keyed
from reviewer.checks._data import (
    _EXECUTE,
    Scope,
    body_statements,
    handed_function,
    db_write,
    is_dbish,
    is_query_call,
    is_retried_function,
    is_transaction_block,
    mentions_idempotency,
    method,
    positional,
    receiver,
    retry_loops,
    scope_of,
    sql_verb,
    side_effect,
    string_text,
    tokens,
)

# What a retried call (REL003) or a call next to a database write (REL004) does outside the process.
RETRY = "retry"
WRITE = "write"


@dataclass(frozen=True)
class Effect:
    """A side effect found at a call: directly, or inside the same-file helper the call runs."""

    kind: str  # payment, message, publish, enqueue, create, post
    keyed: bool = False  # the helper passes an idempotency key or a dedup id
    swallowed: bool = False  # the helper catches the effect's failure itself, so it never reaches a retry
    retried_inside: bool = False  # the helper retries the effect itself (reported there)
    helper: cst.FunctionDef | None = None
    site: cst.Call | None = None  # the call that makes the side effect, inside the helper when there is one


# ---------------------------------------------------------------------------
# Words: what a URL, a function or a name says it is for


def name_tokens(name: str) -> list[str]:
    """`WAREHOUSE_INGEST_URL`, `sendSms`, `/v1/messages` -> lower-case words."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t]


def expr_words(expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> list[str]:
    """The literal text and names in an expression and in what its names were assigned (env var names and
    defaults included): `f"{BASE}/charges"`, `os.environ.get("SMS_URL", "https://sms.example/v1/messages")`."""
    words: list[str] = []
    stack: list[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            text = string_text(node)
            if text is not None:
                words.append(text[0])
        elif isinstance(node, cst.FormattedString):
            for part in node.parts:
                if isinstance(part, cst.FormattedStringText):
                    words.append(part.value)
                else:
                    stack.append(part.expression)
        elif isinstance(node, cst.Name):
            words.append(node.value)
            binding = scope.binding(node.value, expr) if depth < 2 else None
            if binding is not None and not binding.unpacked:
                words.extend(expr_words(binding.value, scope, depth + 1))
        elif isinstance(node, cst.Attribute):
            words.append(node.attr.value)
            stack.append(node.value)
        elif isinstance(node, cst.BinaryOperation):
            stack.extend((node.left, node.right))
        elif isinstance(node, cst.Call) and depth < 2:  # its arguments, not `os.environ.get` itself
            stack.extend(arg.value for arg in node.args)
        elif isinstance(node, cst.Subscript):
            stack.extend(el.slice.value for el in node.slice if isinstance(el.slice, cst.Index))
    return [token for word in words for token in name_tokens(word)]


# A POST that only reads or asks: a search, a token exchange, a quote, a model inference.
_READ_LIKE = re.compile(
    r"\b(tokens?|oauth2?|auth|authenticat\w*|login|signin|search\w*|quer(y|ies)|graphql|lookup|validat\w*|verif\w*"
    r"|quotes?|estimat\w*|rates?|pric\w*|health\w*|ping|balances?|preview|simulat\w*|calculat\w*|completions?"
    r"|chat|embeddings?|predict\w*|infer\w*|classif\w*|score|render|translat\w*|convert|refresh|introspect"
    r"|check|exists?|count|list|get|fetch\w*|find|read|describe|resolve|geocod\w*|tokeniz\w*)\b")
# Shipping logs, metrics and traces: a duplicate sample does no harm.
_TELEMETRY = re.compile(r"\b(logs?|metrics?|traces?|spans?|heartbeats?|telemetry|analytics|beacons?|otlp|statsd)\b")
# A POST that creates or sends something: a payment, a message, an order, a batch of records.
_CREATES = re.compile(
    r"\b(pay|payments?|pays|charg\w*|billing|transfers?|payouts?|refunds?|orders?|checkout|invoic\w*|captur\w*"
    r"|\w*mail\w*|sms|notif\w*|messag\w*|text\w*|push\w*|alerts?|webhooks?|hooks?|events?|publish\w*|send\w*"
    r"|deliver\w*|ingest\w*|upload\w*|batch\w*|rows|records|import\w*|submit\w*|creat\w*|shipments?|bookings?"
    r"|reservations?|tickets?|dispatch\w*|enqueue\w*|jobs|coupons?|vouchers?|gift_?cards?|rewards?)\b")
_PAYMENT_WORDS = re.compile(r"\b(pay|payments?|pays|charges?|billing|transfers?|payouts?|refunds?|invoices?|captures?"
                            r"|disburse\w*|remittances?)\b")
_REMOTE_RECORD = re.compile(r"\b(reserv\w*|bookings?|claims?|shipments?|orders?|labels?|pickups?|holds?)\b")
_MESSAGE_WORDS = re.compile(r"\b(\w*mail\w*|sms|notif\w*|messag\w*|sendgrid|mailgun|postmark|twilio|textwire)\b")
_HTTP_MODULES = ("requests", "httpx", "aiohttp", "urllib3")
_HTTP_RECEIVERS = frozenset({"client", "http", "session", "api", "gateway", "psp", "bank", "httpx", "requests"})


def _qualified_in(name: str | None, modules: tuple[str, ...]) -> bool:
    return name is not None and any(name == mod or name.startswith(mod + ".") for mod in modules)


def _url_of(call: cst.Call) -> cst.BaseExpression | None:
    url = positional(call)
    if url is None:
        found = keyword(call, "url")
        url = found.value if found is not None else None
    return url


def _is_http_post(call: cst.Call, ctx: FileContext, url_words: list[str]) -> bool:
    if method(call) != "post" or receiver(call) is None:
        return False
    if _qualified_in(ctx.qualify(call.func), _HTTP_MODULES):
        return True
    recv = receiver(call)
    if tokens(attribute_path(recv) or "") & _HTTP_RECEIVERS:
        return True
    return bool({"url", "uri", "http", "https", "endpoint"} & set(url_words))


def _record_action(url: cst.BaseExpression, scope: Scope) -> list[str] | None:
    """The words of the path after a record's id: `f"{API}/invoices/{invoice.id}/sent"` -> `["sent"]`.

    A POST to a record's own path acts on that record; what it does is the segment after the id, not the
    service (`BILLING_API`) or the collection (`invoices`) named before it. None when the URL has no such
    segment (`f"{API}/charges"`, `f"{API}/orders/{order_id}"`) or is not an f-string."""
    if isinstance(url, cst.Name):
        binding = scope.binding(url.value, url)
        url = binding.value if binding is not None and not binding.unpacked else url
    if not isinstance(url, cst.FormattedString):
        return None
    parts = list(url.parts)
    last = max((i for i, part in enumerate(parts) if isinstance(part, cst.FormattedStringExpression)), default=0)
    if not 0 < last < len(parts) - 1:
        return None
    before, after = parts[last - 1], parts[last + 1]
    if (isinstance(before, cst.FormattedStringText) and before.value.endswith("/")
            and isinstance(after, cst.FormattedStringText) and after.value.startswith("/")):
        return name_tokens(after.value.split("?", 1)[0]) or None
    return None


def _post_effect(call: cst.Call, scope: Scope, ctx: FileContext, mode: str) -> str | None:
    url = _url_of(call)
    words = expr_words(url, scope) if url is not None else []
    if not _is_http_post(call, ctx, words):
        return None
    action = _record_action(url, scope) if url is not None else None
    text = " ".join(action if action is not None else words)
    function = " ".join(name_tokens(scope.root.name.value)) if isinstance(scope.root, cst.FunctionDef) else ""
    if _READ_LIKE.search(text) or _READ_LIKE.search(function) or _TELEMETRY.search(f"{text} {function}"):
        return None
    # `_notify(...)` posting to `/push/refund`: a message about a payment, not the payment.
    if _PAYMENT_WORDS.search(text) and (_MESSAGE_WORDS.search(function) or _MESSAGE_WORDS.search(text)):
        return "message"
    if _PAYMENT_WORDS.search(text):
        return "payment"
    if _MESSAGE_WORDS.search(text):
        return "message"
    # Only the URL decides: `_deliver(url, body)` to a subscriber's URL may well be deduplicated by the body's id.
    if mode == RETRY and (_CREATES.search(text) or _REMOTE_RECORD.search(text)):
        return "post"
    # A record made at a partner (`/reservations`, `/claims`): it outlives a local write that then fails.
    if mode == WRITE and _REMOTE_RECORD.search(text):
        return "create"
    # `def _send_confirmation_sms(api_url, ...)` posting to the URL it is handed: the URL says nothing here, and
    # the function's name says what the POST is for.
    if (isinstance(url, cst.Name) and url.value in scope.params and _MESSAGE_WORDS.search(function)
            and not _PAYMENT_WORDS.search(function)):
        return "message"
    return None


# `iot.create_thing(...)`, `sns.create_topic(...)` on a boto3 client: an external record that outlives a failed write.
_BOTO_NOT_CREATES = frozenset({"create_presigned_url", "create_presigned_post", "create_multipart_upload"})


def _cloud_create(call: cst.Call, ctx: FileContext) -> str | None:
    name = method(call) or ""
    recv = receiver(call)
    if not name.startswith("create_") or name in _BOTO_NOT_CREATES or recv is None:
        return None
    qualified = ctx.qualify(recv) or ""
    return "create" if _qualified_in(qualified, ("boto3", "aioboto3", "botocore")) else None


# `submit_order(order)`, `carrier_api.create_shipment(...)`: a call whose name says it creates something remote.
_BUSINESS_CALL = re.compile(
    r"^(submit|create|place|book|issue|dispatch|send|post|publish|charge|pay|transfer|refund|notify)_(\w+_)?"
    r"(order|shipment|payment|charge|invoice|transfer|payout|refund|booking|reservation|ticket|subscription"
    r"|message|notification|email|mail|sms|alert|webhook|label|pickup|delivery)s?$")
_REMOTE_RECEIVERS = frozenset({"client", "api", "gateway", "partner", "provider", "psp", "sdk", "carrier",
                               "courier", "remote", "stub"})


def _business_call(call: cst.Call, scope: Scope, ctx: FileContext) -> str | None:
    name = method(call) or ""
    if not _BUSINESS_CALL.match(name):
        return None
    if any(is_dbish(arg.value, scope, ctx) for arg in call.args):
        return None  # `create_order(session, ...)`: a database write, rolled back when it fails
    recv = receiver(call)
    if recv is None:  # an imported function (same-file helpers are followed instead), not a local variable
        remote = isinstance(call.func, cst.Name) and scope.binding(name, call) is None
    else:
        remote = bool(tokens(attribute_path(recv) or "") & _REMOTE_RECEIVERS)
    if not remote:
        return None
    noun = set(name.split("_"))
    if name.startswith("notify_"):
        return "message"  # `notify_incomplete_payment(order)`: a message about a payment
    if noun & {"payment", "charge", "transfer", "payout", "refund", "pay"}:
        return "payment"
    return "message" if noun & {"message", "notification", "email", "mail", "sms", "alert", "notify"} else "create"


def _moves_no_money(call: cst.Call, ctx: FileContext) -> bool:
    """`stripe.PaymentIntent.create(...)` without `confirm=True` and `stripe.Invoice.create(...)` make a draft: no
    money moves until the customer confirms or the invoice is paid."""
    qualified = ctx.qualify(call.func) or ""
    if qualified.endswith(("PaymentIntent.create", "SetupIntent.create")):
        confirm = keyword(call, "confirm")
        return confirm is None or (isinstance(confirm.value, cst.Name) and confirm.value.value == "False")
    return qualified.endswith("Invoice.create")


def direct_effect(call: cst.Call, scope: Scope, ctx: FileContext, mode: str) -> str | None:
    """The side effect of one call as written, without following it into a helper."""
    handed = handed_function(call, ctx)
    if handed is not None:
        call = handed  # `asyncio.to_thread(stripe.PaymentIntent.create, amount=...)` runs that call
    name = method(call)
    if name == "post":  # judged here by its URL: a POST to `/orders/42/picks` is not a payment
        return _post_effect(call, scope, ctx, mode)
    kind = side_effect(call, scope, ctx)
    if kind == "payment" and _moves_no_money(call, ctx):
        return None
    if kind is not None:
        return kind
    kind = _cloud_create(call, ctx)
    if kind is not None:
        return kind
    if mode == WRITE and name in ("delay", "apply_async") and isinstance(call.func, cst.Attribute):
        return "enqueue"
    if mode == RETRY:
        return _business_call(call, scope, ctx)
    return None


# ---------------------------------------------------------------------------
# Dedup ids that are not called "idempotency": an event id or message id header a receiver deduplicates on


_DEDUP_HEADER = re.compile(r"idempot|dedup|event[-_ ]?id|message[-_ ]?id|delivery[-_ ]?id", re.IGNORECASE)
_MESSAGE_ID = re.compile(r"message_?id|msgid", re.IGNORECASE)


def carries_dedup_header(call: cst.Call, scope: Scope) -> bool:
    """`headers={"X-Event-Id": ...}`, `headers=[("event_id", ...)]`, directly or through a variable; or on the
    message being sent (`message = EmailMessage(..., headers={"Message-ID": ...})`, then `message.send()`); or
    a mail helper's `message_id=` argument (`send_email(..., message_id=f"<inspection-{pk}@...>")`). An
    `idempotency_key=` argument is judged where it is made (a fresh uuid per attempt is no key)."""
    if any(arg.keyword is not None and _MESSAGE_ID.fullmatch(arg.keyword.value) for arg in call.args):
        return True
    found = keyword(call, "headers")
    if found is None:
        recv = call.func.value if isinstance(call.func, cst.Attribute) else None
        binding = scope.binding(recv.value, call) if isinstance(recv, cst.Name) else None
        if binding is not None and not binding.unpacked and isinstance(binding.value, cst.Call):
            return carries_dedup_header(binding.value, scope)
        return False
    value = found.value
    if isinstance(value, cst.Name):
        binding = scope.binding(value.value, call)
        if binding is None or binding.unpacked:
            return False
        value = binding.value
    keys: list[cst.BaseExpression] = []
    if isinstance(value, cst.Dict):
        keys = [el.key for el in value.elements if isinstance(el, cst.DictElement)]
    elif isinstance(value, (cst.List, cst.Tuple)):
        keys = [el.value.elements[0].value for el in value.elements
                if isinstance(el.value, cst.Tuple) and el.value.elements]
    for key in keys:
        text = string_text(key, scope)
        if text is not None and _DEDUP_HEADER.search(text[0]):
            return True
    return False


# ---------------------------------------------------------------------------
# Helpers: functions and methods of the same file, and what each does


Key = tuple[str, str]  # (class name or "", function name)


_PURE_BUILTINS = frozenset({"abs", "all", "any", "bool", "divmod", "enumerate", "float", "int", "isinstance", "len",
                            "list", "max", "min", "range", "round", "sorted", "str", "sum", "tuple", "zip",
                            "Decimal", "timedelta"})
_PURE_MODULES = frozenset({"date", "datetime", "time", "math", "timezone", "Decimal", "timedelta"})


class Helpers:
    """The file's top-level functions and methods by name, with what each does, worked out once when asked."""

    def __init__(self, module: cst.Module, module_scope: Scope, ctx: FileContext) -> None:
        self.module_scope = module_scope
        self.ctx = ctx
        self.functions: dict[Key, cst.FunctionDef] = {}
        for statement in module.body:
            if isinstance(statement, cst.FunctionDef):
                self.functions[("", statement.name.value)] = statement
            elif isinstance(statement, cst.ClassDef):
                for inner in body_statements(statement.body):
                    if isinstance(inner, cst.FunctionDef):
                        self.functions[(statement.name.value, inner.name.value)] = inner
        self._class_of = {fn: key[0] for key, fn in self.functions.items()}
        self._effects: dict[tuple[cst.FunctionDef, str], Effect | None] = {}
        self._commits: dict[cst.FunctionDef, bool] = {}
        self._imported_keyed: frozenset[str] | None = None

    def scope(self, fn: cst.FunctionDef) -> Scope:
        return scope_of(fn, self.module_scope)

    def resolve(self, call: cst.Call, in_class: str) -> cst.FunctionDef | None:
        """The same-file function a call runs: `helper(...)`, `self.helper(...)`, `cls.helper(...)`."""
        func = call.func
        if isinstance(func, cst.Name):
            return self.functions.get(("", func.value))
        if (in_class and isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
                and func.value.value in ("self", "cls")):
            return self.functions.get((in_class, func.attr.value))
        return None

    def _keyed_elsewhere(self, call: cst.Call) -> bool:
        """A function of another project module that passes an idempotency key (`billing.charge_period(...)`)."""
        if self._imported_keyed is None:
            self._imported_keyed = imported_keyed(self.ctx.path, self.ctx.root, self.ctx.text)
        return bool(self._imported_keyed) and attribute_path(call.func) in self._imported_keyed

    def class_of(self, fn: cst.FunctionDef) -> str:
        return self._class_of.get(fn, "")

    def effect(self, call: cst.Call, scope: Scope, in_class: str, check: PythonCheck, mode: str,
               depth: int = 0) -> Effect | None:
        """What a call does outside the process, following a same-file helper; its name decides when the helper's
        body shows nothing (`charge_card(...)` that calls an unknown gateway method)."""
        helper = self.resolve(call, in_class)
        named = direct_effect(call, scope, self.ctx, mode)
        if helper is None:
            return Effect(named, site=call, keyed=self._keyed_elsewhere(call)) if named is not None else None
        inner = self.helper_effect(helper, check, mode, depth)
        if inner is not None:
            if inner.keyed and _key_parameter_left_out(helper, call):
                return replace(inner, keyed=False)  # `_pay_api(path, body)` of `_pay_api(..., idempotency_key=None)`
            return inner
        if named is None or self.writes(helper) or self.computes_only(helper):
            # `def refund_order(session, order)` that only updates rows is not a refund at a provider, nor is
            # `def refund_for(cents, arrive)` that only does arithmetic
            return None
        keyed = mentions_idempotency(self.scope(helper), check)
        return Effect(named, keyed=keyed, helper=helper)

    def helper_effect(self, fn: cst.FunctionDef, check: PythonCheck, mode: str, depth: int = 0) -> Effect | None:
        key = (fn, mode)
        if key in self._effects:
            return self._effects[key]
        self._effects[key] = None  # a recursive helper finds nothing in itself
        found = None if depth > 2 else self._find_effect(fn, check, mode, depth)
        self._effects[key] = found
        return found

    def _find_effect(self, fn: cst.FunctionDef, check: PythonCheck, mode: str, depth: int) -> Effect | None:
        scope = self.scope(fn)
        in_class = self.class_of(fn)
        for call in scope.calls():
            if scope.in_except(call) or (mode == WRITE and scheduled_apart(call, scope)):
                continue
            inner = self.effect(call, scope, in_class, check, mode, depth + 1)
            if inner is None:
                continue
            keyed = inner.keyed or mentions_idempotency(scope, check) or carries_dedup_header(call, scope)
            retried = inner.retried_inside or _retried_in(call, fn, scope, self.ctx)
            swallowed = inner.swallowed or (not retried and failure_swallowed(call, scope))
            return Effect(inner.kind, keyed=keyed, swallowed=swallowed, retried_inside=retried, helper=fn,
                          site=inner.site)
        return None

    def computes_only(self, fn: cst.FunctionDef) -> bool:
        """The helper calls nothing but builtins and date, time and math functions: it cannot reach outside."""
        for call in self.scope(fn).calls():
            func = call.func
            if isinstance(func, cst.Name) and func.value in _PURE_BUILTINS:
                continue
            root = func
            while isinstance(root, cst.Attribute):
                root = root.value
            if isinstance(func, cst.Attribute) and isinstance(root, cst.Name) and root.value in _PURE_MODULES:
                continue
            return False
        return True

    def writes(self, fn: cst.FunctionDef) -> bool:
        """The helper writes to the database itself."""
        scope = self.scope(fn)
        return any(db_write(call, scope, self.ctx) is not None for call in scope.calls())

    def commits_what_it_runs(self, fn: cst.FunctionDef) -> bool:
        """A helper that runs whatever statement it is given (`cur.execute(sql, params)`) inside a transaction
        block that commits it (`with conn:`), or commits after it."""
        scope = self.scope(fn)
        calls = [call for call in scope.calls() if not scope.in_except(call)]
        runs = [call for call in calls if method(call) in _EXECUTE and is_query_call(call, scope, self.ctx)]
        return any(transaction_of(call, scope, self.ctx) is not None for call in runs) or (
            bool(runs) and any(db_write(call, scope, self.ctx) == "commit" and scope.before(runs[0], call)
                               for call in calls))

    def commits(self, fn: cst.FunctionDef, depth: int = 0) -> bool:
        """The helper makes a database write durable: a commit, a Django write, a transaction block it closes."""
        if fn in self._commits:
            return self._commits[fn]
        self._commits[fn] = False
        scope = self.scope(fn)
        found = False
        for call in scope.calls():
            if scope.in_except(call):
                continue
            kind = db_write(call, scope, self.ctx)
            if kind == "commit" or (kind == "stage" and transaction_of(call, scope, self.ctx) is not None):
                found = True
                break
            inner = self.resolve(call, self.class_of(fn))
            if inner is not None and depth < 2 and self.commits(inner, depth + 1):
                found = True
                break
        self._commits[fn] = found
        return found


def _retried_in(call: cst.Call, fn: cst.FunctionDef, scope: Scope, ctx: FileContext) -> bool:
    if is_retried_function(fn, scope, ctx):
        return True
    for found in retry_loops(scope, ctx):
        blocks = [found.loop.body] if found.whole_body else [t.body for t in found.tries]
        if any(scope.contains(block, call) for block in blocks):
            return True
    return False


# Exceptions a database driver or ORM raises: a handler for them does not catch a mailer's or a gateway's failure.
_DATABASE_ERROR = re.compile(r"^(psycopg2?|sqlite3|pymysql|MySQLdb|asyncpg|sqlalchemy(\.exc)?|django\.db)\.|"
                             r"(Integrity|Database|Operational|Programming|DBAPI|SQLAlchemy|Postgres)Error$")


def failure_swallowed(call: cst.Call, scope: Scope) -> bool:
    """The call sits in a `try` whose `except` can catch its failure and ends without raising: its failure
    stops there. An `except psycopg.Error:` does not catch what an e-mail or a payment call raises."""
    for ancestor in scope.ancestors(call):
        if isinstance(ancestor, cst.Try) and scope.contains(ancestor.body, call):
            for handler in ancestor.handlers:
                if _catches_database_errors_only(handler):
                    continue
                if not any(isinstance(node, cst.Raise) for node in scope.within(handler)):
                    return True
    return False


def _catches_database_errors_only(handler: cst.ExceptHandler) -> bool:
    if handler.type is None:
        return False
    types = [el.value for el in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
    return all(_DATABASE_ERROR.search(attribute_path(t) or "") for t in types)


_HELPERS: dict[int, tuple[cst.Module, Helpers]] = {}


def helpers_of(module: cst.Module, module_scope: Scope, ctx: FileContext) -> Helpers:
    """One index per file, shared by the checks of a batched pass."""
    hit = _HELPERS.get(id(module))
    if hit is not None and hit[0] is module and hit[1].module_scope is module_scope and hit[1].ctx is ctx:
        return hit[1]
    helpers = Helpers(module, module_scope, ctx)
    _HELPERS.clear()
    _HELPERS[id(module)] = (module, helpers)
    return helpers


def transaction_of(node: cst.CSTNode, scope: Scope, ctx: FileContext) -> cst.CSTNode | None:
    """The transaction a node runs in: the innermost `with transaction.atomic()` / `with session.begin()` /
    `with conn:` around it, or the function itself when it is decorated `@transaction.atomic`."""
    for ancestor in scope.ancestors(node):
        if isinstance(ancestor, cst.With) and any(is_transaction_block(item, scope, ctx) for item in ancestor.items):
            return ancestor
    root = scope.root
    if isinstance(root, cst.FunctionDef) and any(
            (attribute_path(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator) or "")
            .rsplit(".", 1)[-1] == "atomic" for d in root.decorators):
        return root
    return None


_UNIQUE_VIOLATION = re.compile(r"\b(IntegrityError|UniqueViolation)\b")


def unique_record_first(call: cst.Call, scope: Scope, ctx: FileContext) -> bool:
    """`with transaction.atomic(): DigestSent.objects.create(member=m, month=first); send_mail(...)` in a `try` that
    catches `IntegrityError`: the record of the send is inserted in the same transaction, before it and as its only
    write, under a unique constraint. A failed send rolls the record back, so a retry sends it again; a retry after a
    sent one fails to insert the record and skips the send."""
    tx = transaction_of(call, scope, ctx)
    if not isinstance(tx, cst.With):
        return False
    writes = [other for other in scope.calls() if scope.contains(tx, other) and scope.before(other, call)
              and db_write(other, scope, ctx) is not None]
    # The record of the send, and nothing else: a transaction that also changes balances or invoices before the
    # call is REL004's case, a change the message may announce and the failed commit then drops.
    if len(writes) != 1 or not (method(writes[0]) in ("create", "add", "insert")
                                or sql_verb(positional(writes[0]), scope) == "INSERT"):
        return False
    code = cst.Module(body=[]).code_for_node
    return any(isinstance(node, cst.Try) and any(
        handler.type is not None and _UNIQUE_VIOLATION.search(code(handler.type)) for handler in node.handlers)
        for node in scope.ancestors(tx))


_SCHEDULERS = frozenset({"create_task", "ensure_future", "run_coroutine_threadsafe"})


def scheduled_apart(call: cst.Call, scope: Scope) -> bool:
    """`asyncio.create_task(charge(...))`: the coroutine runs on its own later, with its own failure handling, so it
    is not a step of this function that a later write of the function can leave half done."""
    arg = scope.parent.get(call)
    outer = scope.parent.get(arg) if isinstance(arg, cst.Arg) else None
    return isinstance(outer, cst.Call) and method(outer) in _SCHEDULERS


_KEY_PARAMETER = re.compile(r"idempotency|idem_key|dedup", re.IGNORECASE)


def _key_parameter_left_out(helper: cst.FunctionDef, call: cst.Call) -> bool:
    """The helper takes its idempotency key as an optional parameter (`idempotency_key=None`) and this call does not
    pass it: the key the helper would send is never set."""
    params = [*helper.params.params, *helper.params.kwonly_params]
    names = [p.name.value for p in helper.params.params]
    if names and names[0] in ("self", "cls"):
        names = names[1:]
    positional = [a for a in call.args if a.keyword is None]
    if any(a.star for a in call.args):
        return False  # `*args`/`**kwargs`: what is passed is not known
    for param in params:
        if not (_KEY_PARAMETER.search(param.name.value) and param.default is not None
                and isinstance(param.default, cst.Name) and param.default.value == "None"):
            continue
        by_keyword = any(a.keyword is not None and a.keyword.value == param.name.value for a in call.args)
        by_position = param.name.value in names and names.index(param.name.value) < len(positional)
        if not by_keyword and not by_position:
            return True
    return False
