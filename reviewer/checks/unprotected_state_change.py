"""SEC018: a handler that changes data (or serves a staff page) with no authorization, beside handlers that have it."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import (FileContext, PythonCheck, attribute_path, decorator_name, descendants,
                                   is_dependency_call, keyword, module_handlers)
from reviewer.checks._data import ends_in_exit
from reviewer.checks._security import expr_name
from reviewer.checks.exception_swallowed import logging_level

# A decorator that lets only some callers in: `@login_required`, `@staff_required`, `@role_required("x")`,
# `@permission_required`, `@jwt_required()`, `@requires_auth`, `@user_passes_test(...)`.
# `@require_customer`, `@require_seller`: a decorator named for whom it lets in (not `@require_POST`).
_GUARD_DECORATOR = re.compile(r"required|auth|permission|role|login|staff|admin|superuser|jwt|token|scope|"
                              r"user_passes_test|protected|signed|verify|only|^require_(?!http|POST$|GET$|safe$)",
                              re.I)
# A dependency or call that identifies or authorizes the caller: `Depends(get_current_user)`,
# `require_admin(...)`, `check_permission(...)`, `_may_view(...)`.
# `current_` and not `current`: `config.current()` is the current settings, not the current user.
# `hmac.compare_digest(quote["accept_token"], sent)`: the secret the caller holds is checked.
_GUARD_CALL = re.compile(r"user|auth|admin|permission|perm|token|require|principal|current_|verify|role|scope|"
                         r"caller|signature|may_|can_|allowed|owner|staff|login|session_for|compare_digest", re.I)
# Dependencies that hand a handler a resource rather than the caller: any other dependency
# (`Depends(get_device_account)`, `Depends(api_key_header)`) is taken to identify the caller.
_RESOURCE_DEPENDENCY = re.compile(r"db|database|session|settings|config|pool|redis|cache|client|conn|storage|queue|"
                                  r"http|logger|repo|service|bucket|engine|templates|limiter|pagination|params", re.I)
# Names and attributes that mean the handler looks at who the caller is.
_CALLER = re.compile(r"current_user|request\.user|g\.user|g\.current_user|g\.account|g\.role|g\.user_id|"
                     r"is_staff|is_admin|is_superuser|has_perm|is_authenticated|request\.auth|g\.principal|"
                     r"request\.state\.user|identity|claims|"
                     # Falcon's middleware keeps the caller on the request's context: `req.context.user`.
                     r"req(uest)?\.context\.(user|account|principal|member|customer)(_id)?\b", re.I)
# A handler that answers "unauthorized" or "forbidden" has tested who the caller is, however it did so.
_DENIAL = re.compile(r"(?:^|\.)(?:HTTP_401_UNAUTHORIZED|HTTP_403_FORBIDDEN|UNAUTHORIZED|FORBIDDEN|HTTPUnauthorized|"
                     r"HTTPForbidden|HttpResponseForbidden|PermissionDenied|NotAuthenticated)$")
# Module-level protection of every handler: a `before_request` hook, a router or app with dependencies.
_MODULE_GUARD = re.compile(r"before_request|before_app_request|LoginRequiredMixin|PermissionRequiredMixin|"
                           r"APIRouter\([^)]*dependencies|FastAPI\([^)]*dependencies|permission_classes|"
                           r"authentication_classes", re.S)
# A decorator that admits only staff: every handler of an admin module carries one.
_ELEVATED = re.compile(r"admin|staff|superuser|role|permission|scope", re.I)
# Handlers that are public by design.
# Matched on whole words of the name: `live` is a liveness probe, not part of `cancel_delivery`.
_PUBLIC = re.compile(r"(?:^|_)(?:un)?(?:login|logout|log_in|log_out|signin|signup|sign_in|sign_up|register|reset|"
                     r"forgot|verify|confirm|webhook|callback|health|healthz|ready|readyz|readiness|live|livez|"
                     r"liveness|status|public|subscribe|contact|track|tracking|share|shared|invite|invitation)s?"
                     r"(?:_|$)", re.I)
_WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_PATH_PARAMETER = re.compile(r"<[^>]+>|\{[^}]+\}")
# A path parameter that is itself the secret a caller presents: a reset token, a share code, a signed key.
_CREDENTIAL_PARAMETER = re.compile(r"token|code|key|secret|signature|nonce|hash|invite", re.I)
# What an auth middleware leaves on an aiohttp or Starlette request: `request["user"]`.
_CALLER_KEY = re.compile(r"^(user|user_id|account|principal|claims|identity|member|customer|staff)$")
# Fields of a request body that are themselves the caller's proof: a pickup code, a one-time password.
# (Not `token`: a card token in a payment body proves nothing about who pays.)
_CREDENTIAL_FIELD = re.compile(r"^(code|pin|otp|passcode|password|one_time_code|pickup_code|access_code)$")


class UnprotectedStateChange(PythonCheck):
    """A handler that changes data with no authentication or authorization, where its neighbours have one.

    ## What it does
    Looks at the request handlers of one module (Flask, FastAPI, Django function views). A handler
    is guarded when a decorator restricts its callers (`@login_required`, `@staff_required`,
    `@role_required(...)`, `@permission_required`, `@jwt_required()`), a parameter or route
    dependency identifies the caller (`Depends(get_current_user)`), or its body looks at the caller
    (`current_user`, `request.user`, `g.user`, `is_staff`, `has_perm`, a call such as
    `require_admin(...)` or `check_permission(...)`). Reports a handler that changes data (a POST, PUT,
    PATCH or DELETE route, or `@require_POST`) and is not guarded, when either
    - it acts on a resource named in its URL (`/<int:note_id>/delete`, `{appointment_id}`, a Django
      view argument) and another handler of the module is guarded, or
    - every other handler of the module (at least two) carries a staff-only decorator (`@admin_required`,
      `@staff_required`, `@role_required(...)`, `@permission_required`): an admin module where one was
      missed.
    A handler that only reads is reported in that second case when the module's blueprint or router serves
    under a staff prefix (`url_prefix="/admin"`, `/ops`, `/internal`), or when the module or its folder is named
    for staff pages (`admin_reports.py`, `reports/admin_views.py`; there one other staff-only page is enough): a
    staff report served to anyone. There, a handler whose only guard signs the caller in (`@login_required`) is
    reported too, from that decorator, since any customer with an account passes it. A page whose body turns
    non-staff away (`if not request.user.is_staff: return ...403`) counts as staff-only, and a function whose name
    starts with `_` (a Django helper taking `request`) as no page.
    The caller can also be what an auth middleware left on the request (`request["user"]`); naming the
    caller only in a log line does not guard. A handler named for a public flow (`login`, `signup`, `reset`,
    `webhook`, ...), or one that takes a secret the caller presents (a `<code>` or `<token>` in its URL, a
    `"code"` or `"pin"` in its body: a kiosk redeeming a pickup code; a token compared with the record's in
    constant time, `hmac.compare_digest(quote["accept_token"], sent)`), or one that answers 401 or 403 itself
    (it tested a token of its own), is not reported.
    A module that guards every handler at once (`before_request`, a router with `dependencies=`,
    `permission_classes`, a login mixin) is not reported. Tests are skipped.

    ## Why is this bad?
    Anyone who can reach the URL can change or delete the data, by id, without an account or with
    someone else's: an insecure direct object reference. Next to guarded handlers, the missing guard is
    almost always an oversight, and a scanner finds these URLs in minutes.

    ## Known limits
    Guards applied elsewhere (a blueprint registered behind an auth proxy, middleware in another file,
    a gateway) are not seen, and neither is a guard under a name the patterns above do not know.
    Whether the handler checks that the caller owns the resource, as opposed to being logged in, is
    not judged; a module where no handler is guarded is not reported at all.
    """

    id = "SEC018"
    VALID = (
        # The quote is accepted by whoever holds the token e-mailed with it, compared in constant time.
        """
import hmac
from flask import Blueprint, abort, request

bp = Blueprint("quotes", __name__)

@bp.get("/quotes")
@staff_required
def list_quotes():
    return jsonify(quotes=recent_quotes())

@bp.post("/quotes/<int:quote_id>/accept")
def accept_quote(quote_id: int):  # ok: SEC018
    quote = load_quote(quote_id)
    if quote is None or not hmac.compare_digest(quote["accept_token"], str(request.json.get("token", ""))):
        abort(404)
    mark_accepted(quote_id)
    return {"status": "accepted"}
""",
        # The kiosk handler checks a device token itself and answers 401 when it does not match.
        """
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_POST

@login_required
@require_POST
def self_checkin(request, rehearsal_id):
    check_in(rehearsal_id, request.user.member)
    return JsonResponse({"checked_in": True})

@require_POST
def kiosk_checkin(request, rehearsal_id):  # ok: SEC018
    device = _kiosk_from_header(request)
    if device is None:
        return JsonResponse({"error": "unknown kiosk"}, status=401)
    member = Member.objects.filter(badge_code=request.POST["badge"], choir_id=device.choir_id).first()
    check_in(rehearsal_id, member)
    return JsonResponse({"checked_in": True})
""",
        """
from flask import Blueprint, jsonify
from flask_login import current_user, login_required

bp = Blueprint("notes", __name__)

@bp.get("/<int:note_id>")
@login_required
def show_note(note_id):
    return jsonify(load_note(note_id, current_user.id))

@bp.post("/<int:note_id>/delete")
def delete_note(note_id):  # ok: SEC018
    if not current_user.is_authenticated:
        return jsonify({"error": "login"}), 401
    remove_note(note_id, current_user.id)
    return jsonify({"deleted": note_id})

@bp.post("/signup")
def signup():  # ok: SEC018
    return jsonify(create_account())
""",
        """
from flask import Blueprint

bp = Blueprint("admin", __name__)

@bp.before_request
def only_admins():
    require_admin()

@bp.post("/<int:user_id>/ban")
def ban(user_id):  # ok: SEC018
    ban_user(user_id)
    return "", 204
""",
        # aiohttp: an auth middleware leaves the caller in `request["user"]`; a kiosk redeems a pickup code.
        """
from aiohttp import web

routes = web.RouteTableDef()

@routes.post("/orders/{order_id}/ready")
async def order_ready(request):
    if request["user"].get("role") != "operator":
        raise web.HTTPForbidden()
    ttl = config.current()["ttl_hours"]
    return web.json_response(await mark_ready(request.app["db"], int(request.match_info["order_id"]), ttl))

@routes.post("/orders/{order_id}/closed")
async def dropoff_closed(request):  # ok: SEC018
    await close_dropoff(request.app["db"], int(request.match_info["order_id"]), request["user"]["id"])
    return web.json_response({"ok": True})

@routes.post("/pickup/{store_id}/redeem")
async def redeem(request):  # ok: SEC018
    code = str((await request.json()).get("code", "")).strip()
    return web.json_response(await collect(request.app["db"], int(request.match_info["store_id"]), code))
""",
        # A customer applies a promo code they hold, beside the staff handlers that create the codes.
        """
from flask import Blueprint, jsonify, request

bp = Blueprint("promo_codes", __name__)

@bp.post("")
@staff_required("manager")
def create_codes():
    return jsonify(codes=make_codes(request.get_json()))

@bp.get("")
@staff_required("manager")
def list_codes():
    return jsonify(codes=all_codes())

@bp.post("/<code>/apply")
def apply_code(code: str):  # ok: SEC018
    return jsonify(apply(code, request.get_json()["booking_id"]))
""",
        # A public catalogue next to staff-only edits: the reads are for everyone, and the prefix is not an admin one.
        """
from flask import Blueprint, jsonify

bp = Blueprint("catalogue", __name__, url_prefix="/parts")

@bp.get("")
def list_parts():  # ok: SEC018
    return jsonify(parts=all_parts())

@bp.post("")
@admin_required
def add_part():
    return jsonify(created=create_part())

@bp.delete("/<int:part_id>")
@admin_required
def remove_part(part_id):
    return jsonify(deleted=delete_part(part_id))
""",
    )
    INVALID = (
        """
from flask import Blueprint, jsonify
from flask_login import login_required

bp = Blueprint("patients", __name__)

@bp.get("/<int:patient_id>/chart")
@login_required
def export_chart(patient_id: int):
    return jsonify(load_chart(patient_id))

@bp.post("/<int:patient_id>/notes/<int:note_id>/delete")
def delete_note(patient_id: int, note_id: int):  # expect: SEC018
    remove_note(patient_id, note_id)
    return jsonify({"deleted": note_id})
""",
        """
from flask import Blueprint, request
from .auth import admin_required

inventory_bp = Blueprint("inventory", __name__)

@inventory_bp.route("/overview")
@admin_required
def stock_overview():
    return overview()

@inventory_bp.route("/low-stock.csv")
@admin_required
def low_stock_csv():
    return low_stock()

@inventory_bp.route("/restock", methods=["POST"])
def restock():  # expect: SEC018
    add_stock(request.get_json())
    return {"ok": True}
""",
        """
from fastapi import Depends, FastAPI

app = FastAPI()

@app.get("/orders/{order_id}")
def show_order(order_id: int, user=Depends(get_current_user)):
    return load_order(order_id, user.id)

@app.delete("/orders/{order_id}")
def cancel_order(order_id: int, db=Depends(get_db)):  # expect: SEC018
    db.cancel(order_id)
""",
        # The operator check is a helper the other handlers call; naming the caller in a log line checks nothing.
        """
from aiohttp import web

routes = web.RouteTableDef()

def _require_operator(request):
    if request["user"].get("role") != "operator":
        raise web.HTTPForbidden()

@routes.get("/ops/stores/{store_id}")
async def store_page(request):
    _require_operator(request)
    return web.json_response(await overview(request.app["db"], int(request.match_info["store_id"])))

@routes.post("/ops/orders/{order_id}/goodwill")
async def goodwill_credit(request):  # expect: SEC018
    order_id = int(request.match_info["order_id"])
    await credit_wallet(request.app["db"], order_id, (await request.json())["amount_cents"])
    log.info("goodwill on order %s by %s", order_id, request["user"]["id"])
    return web.json_response({"order_id": order_id})
""",
        # A blueprint of staff pages where one report lost its decorator: bank details served to anyone.
        """
from flask import Blueprint, jsonify

bp = Blueprint("admin_reports", __name__, url_prefix="/admin")

@bp.get("/reports/visits")
@admin_required
def visits_report():
    return jsonify(visits=recent_visits())

@bp.get("/reports/payroll")
def technician_payroll():  # expect: SEC018
    return jsonify(technicians=payroll_rows())

@bp.post("/parts/price-list")
@admin_required
def import_price_list():
    return jsonify(imported=load_price_list())
""",
        # The same area, where one report took the sign-in decorator instead of the staff one.
        """
from flask import Blueprint, jsonify

bp = Blueprint("admin_reports", __name__, url_prefix="/admin/reports")

@bp.get("/bookings")
@staff_required
def bookings_report():
    return jsonify(bookings=recent_bookings())

@bp.get("/revenue")
@login_required  # expect: SEC018
def revenue_by_month():
    return jsonify(months=revenue_rows())

@bp.get("/no-shows")
@staff_required
def no_shows():
    return jsonify(no_shows=no_show_rows())
""",
    )

    def leave_Module(self, original_node: cst.Module) -> None:
        # At the end of the walk: the module's imports are known by then.
        node = original_node
        if self.ctx.is_test or not self.ctx.is_web_app or _MODULE_GUARD.search(self.ctx.text):
            return
        handlers = [handler for handler, cls in module_handlers(node, self.ctx) if cls is None]
        if len(handlers) < 2:
            return
        # A handler that takes a secret the caller presents (in its URL or its body) is public by design.
        candidates = [handler for handler in handlers if not _PUBLIC.search(handler.name.value)
                      and not _credential_in_path(handler) and not _takes_credential(handler)]
        if not candidates:
            return
        guarded = {handler: identifies_caller(handler, logs=self.ctx) for handler in handlers}
        # Staff pages: served under a staff prefix, or a module named for them (`admin_reports.py`,
        # `reports/admin.py`), where one other staff-only handler is enough to show what the module is for.
        admin_file = _admin_file(self.ctx.path)
        admin_area = admin_file or _admin_area(node)
        fewest_others = 1 if admin_file else 2
        staff_only = {handler: _elevated(handler) or _tests_staff(handler) for handler in handlers}
        for handler in candidates:
            others = [other for other in handlers if other is not handler]
            # (A Django helper that takes `request` is not a page: `_date_range(request)`.)
            pages = [other for other in others if not other.name.value.startswith("_")]
            among_staff_pages = (admin_area and not handler.name.value.startswith("_") and len(pages) >= fewest_others
                                 and all(staff_only[other] for other in pages))
            if (guarded[handler] and among_staff_pages and not staff_only[handler]
                    and _signs_in_only(handler, self.ctx)):
                # `@login_required` where every other handler of the admin area says `@staff_required`: the
                # decorator chosen lets any customer with an account in; the finding starts at that decorator.
                sign_in = next(d for d in handler.decorators if decorator_name(d) in _SIGN_IN_DECORATORS)
                self.report(sign_in, f"`{handler.name.value}` serves an admin page to any signed-in user, "
                                     "while every other handler here is staff-only: a customer with an "
                                     "account can read it.", end_node=handler.body)
                continue
            if guarded[handler] or _answers_denial(handler):
                continue
            if not _changes_data(handler):
                # A read in an admin area (`Blueprint(..., url_prefix="/admin")`) whose every other handler is
                # staff-only: the staff decorator was missed, and staff data (payroll, exports) is served to all.
                if among_staff_pages:
                    self.report(handler.name, f"`{handler.name.value}` serves an admin page but nothing checks who "
                                              "the caller is, while every other handler here is staff-only: anyone "
                                              "who can reach the URL can read it.", end_node=handler.body)
                continue
            if ((_names_a_resource(handler, self.ctx) and any(guarded[other] for other in others))
                    or (len(others) >= 2 and all(_elevated(other) for other in others))):
                # The finding spans the handler: the guard is missing from all of it, and the harm is where it acts.
                self.report(handler.name, f"`{handler.name.value}` changes data but nothing checks who the caller is, "
                                          "while other handlers here do: anyone who can reach the URL can call it.",
                            end_node=handler.body)

def identifies_caller(fn: cst.FunctionDef, *, logs: FileContext | None = None) -> bool:
    """A decorator, a dependency or the body restricts or looks at who the caller is (given the file's context
    as `logs`, naming the caller only in a logging call does not count: it checks nothing)."""
    for decorator in fn.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        name = target.attr.value if isinstance(target, cst.Attribute) else getattr(target, "value", "")
        if _GUARD_DECORATOR.search(name) and not name.startswith("require_http") and name not in (
                "require_POST", "require_GET", "require_safe"):
            return True
        if isinstance(decorator.decorator, cst.Call) and keyword(decorator.decorator, "dependencies") is not None:
            return True
    logged = set() if logs is None else _logged(fn, logs)
    for node in descendants(fn):
        if id(node) in logged:
            continue
        if isinstance(node, cst.Call):
            callee = attribute_path(node.func) or ""
            if is_dependency_call(node) and node.args:
                dependency = attribute_path(node.args[0].value) or ""
                if _GUARD_CALL.search(dependency) or not _RESOURCE_DEPENDENCY.search(dependency):
                    return True
            elif _GUARD_CALL.search(callee.rsplit(".", 1)[-1]) and not callee.startswith(("request.", "db.")):
                return True
        elif isinstance(node, (cst.Attribute, cst.Name)):
            path = attribute_path(node)
            if path is not None and _CALLER.search(path):
                return True
        elif isinstance(node, cst.Subscript) and _is_request(node.value) and _CALLER_KEY.match(expr_name(node) or ""):
            return True
    return False


# A URL prefix for staff pages: `Blueprint("reports", __name__, url_prefix="/admin")`, `APIRouter(prefix="/ops")`.
_ADMIN_PREFIX = re.compile(r"^/?(admin|staff|ops|backoffice|back-office|internal|manage|management)\b", re.I)


def _admin_file(path: str) -> bool:
    """The module or its folder is named for staff pages: `admin_reports.py`, `reports/admin_views.py`,
    `staff/exports.py` (Django's `admin.py` registers model admins and has no handlers to judge)."""
    parts = path.replace("\\", "/").removesuffix(".py").split("/")[-2:]
    return any(word in ("admin", "staff", "backoffice") for part in parts for word in part.lower().split("_"))


def _tests_staff(fn: cst.FunctionDef) -> bool:
    """The body turns away callers who are not staff: `if not request.user.is_staff: return ... 403`."""
    return any(isinstance(node, cst.If) and ends_in_exit(node.body) and any(
        isinstance(inner, cst.Attribute) and inner.attr.value in ("is_staff", "is_superuser", "is_admin")
        for inner in descendants(node.test)) for node in descendants(fn.body))


def _admin_area(module: cst.Module) -> bool:
    """The module's blueprint or router serves under a staff prefix."""
    for node in descendants(module):
        if isinstance(node, cst.Call) and (attribute_path(node.func) or "").rsplit(".", 1)[-1] in (
                "Blueprint", "APIRouter"):
            prefix = keyword(node, "url_prefix") or keyword(node, "prefix")
            if (prefix is not None and isinstance(prefix.value, cst.SimpleString)
                    and _ADMIN_PREFIX.match(prefix.value.evaluated_value)):
                return True
    return False


_SIGN_IN_DECORATORS = frozenset({"login_required", "auth_required", "jwt_required", "authenticated"})


def _signs_in_only(fn: cst.FunctionDef, ctx: FileContext) -> bool:
    """The handler's only guard is a decorator that signs the caller in (`@login_required`), and its body does not
    look at who the caller is."""
    names = [decorator_name(d) for d in fn.decorators]
    if not any(name in _SIGN_IN_DECORATORS for name in names):
        return False
    bare = fn.with_changes(decorators=[d for d, name in zip(fn.decorators, names) if name not in _SIGN_IN_DECORATORS])
    return not identifies_caller(bare, logs=ctx)


def _answers_denial(fn: cst.FunctionDef) -> bool:
    """The handler answers 401 or 403 itself (`JsonResponse({...}, status=401)` when a kiosk's token does not
    match): it tests who the caller is, however it does so."""
    return any((isinstance(node, cst.Integer) and node.value in ("401", "403"))
               or (isinstance(node, (cst.Attribute, cst.Name)) and _DENIAL.search(attribute_path(node) or ""))
               for node in descendants(fn.body))


def _logged(fn: cst.FunctionDef, ctx: FileContext) -> set[int]:
    """The nodes inside the arguments of a logging call (`log.info("...", request["user"]["id"])`)."""
    return {id(inner) for node in descendants(fn.body) if isinstance(node, cst.Call)
            and logging_level(ctx, node) is not None for arg in node.args for inner in descendants(arg)}


def _is_request(expr: cst.BaseExpression) -> bool:
    """`request`, `req`, or Falcon's `req.context` (`req.context["user"]`)."""
    if isinstance(expr, cst.Attribute) and expr.attr.value == "context":
        expr = expr.value
    return isinstance(expr, cst.Name) and expr.value in ("request", "req")


def _takes_credential(fn: cst.FunctionDef) -> bool:
    """The handler reads a secret the caller presents from its body or query (`data["code"]`,
    `payload.get("pin")`): whoever holds the code may act, as a kiosk redeeming a pickup code does."""
    return any((isinstance(node, cst.Subscript) or (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                                                     and node.func.attr.value == "get"))
               and _CREDENTIAL_FIELD.match(expr_name(node) or "") for node in descendants(fn.body))


def _elevated(fn: cst.FunctionDef) -> bool:
    for decorator in fn.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        name = target.attr.value if isinstance(target, cst.Attribute) else getattr(target, "value", "")
        if name == "permission_classes" and isinstance(decorator.decorator, cst.Call):
            # DRF's `@permission_classes([IsAuthenticated])` only signs the caller in; others decide who may act.
            classes = {node.value for node in descendants(decorator.decorator) if isinstance(node, cst.Name)
                       and node.value[:1].isupper()}
            if classes - _SIGN_IN_ONLY:
                return True
            continue
        if _ELEVATED.search(name):
            return True
    return False


# DRF permission classes that let any signed-in caller (or anyone) in.
_SIGN_IN_ONLY = frozenset({"IsAuthenticated", "IsAuthenticatedOrReadOnly", "AllowAny"})


def _changes_data(fn: cst.FunctionDef) -> bool:
    for decorator in fn.decorators:
        expr = decorator.decorator
        target = expr.func if isinstance(expr, cst.Call) else expr
        name = target.attr.value if isinstance(target, cst.Attribute) else getattr(target, "value", "")
        if name in _WRITE_METHODS or name == "require_POST":
            return True
        if isinstance(expr, cst.Call):
            methods = keyword(expr, "methods")
            if name == "require_http_methods" and expr.args:
                methods = expr.args[0]
            if methods is not None and isinstance(methods.value, (cst.List, cst.Tuple)):
                for element in methods.value.elements:
                    if isinstance(element.value, cst.SimpleString) and \
                            element.value.value.strip("'\"").upper() not in _READ_METHODS:
                        return True
    return False


def _credential_in_path(fn: cst.FunctionDef) -> bool:
    """`/<code>/apply`, `/reset/<token>`: a path parameter that is the caller's credential."""
    return any(_CREDENTIAL_PARAMETER.search(name) and not name.endswith(("id", "pk")) for name in path_parameters(fn))


def path_parameters(fn: cst.FunctionDef) -> list[str]:
    """The parameter names in a handler's route paths: `/<int:booking_id>/pay`, `/{reference}` -> the names."""
    # Flask puts the converter first (`<int:booking_id>`), Starlette last (`{file:path}`).
    return [found[1:-1].rsplit(":", 1)[-1] if found[0] == "<" else found[1:-1].split(":", 1)[0] for d in fn.decorators
            if isinstance(d.decorator, cst.Call) and d.decorator.args
            and isinstance(d.decorator.args[0].value, cst.SimpleString)
            for found in _PATH_PARAMETER.findall(d.decorator.args[0].value.value)]


def _names_a_resource(fn: cst.FunctionDef, ctx) -> bool:
    """The URL names the resource acted on: a path parameter, or a Django view's argument after `request`."""
    # `/reset/<token>`, `/s/<code>`: a secret in the URL is the caller's credential, not a resource
    if any(not _CREDENTIAL_PARAMETER.search(name) for name in path_parameters(fn)):
        return True
    params = fn.params.params
    return ctx.imports_module("django") and len(params) > 1 and params[0].name.value == "request"
