"""SEC014: CSRF protection turned off for a view or for the whole app."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import attribute_path, decorator_name, findall, is_name
from reviewer.checks._security import SecurityCheck, call_name, expr_name, identifier_words, is_false, string_value
from reviewer.checks.unprotected_state_change import identifies_caller

_CSRF_SETTINGS = frozenset({"WTF_CSRF_ENABLED", "CSRF_ENABLED"})
# Calls that check a webhook signature or a request signature: the request is authenticated another way.
_SIGNATURE_CALLS = frozenset({"construct_event", "compare_digest", "verify_webhook", "validate_webhook",
                              "verify_header", "verify_request", "validate_request", "verify_hmac"})
# Header names that carry credentials a cross-site form cannot send: CSRF does not apply.
_NON_COOKIE_AUTH = re.compile(r"authorization|signature|x-api-key|http_x_api_key|x-hub-signature|x-slack",
                              re.IGNORECASE)
_WEBHOOK_WORDS = frozenset({"webhook", "webhooks", "hook", "callback", "ipn", "notify", "notification"})
_SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"
_CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"
_DEV_FILE = re.compile(r"(^|/)[^/]*(dev|develop|development|local|test|testing|ci)[^/]*\.py$")
_DEV_CLASS = re.compile(r"(dev|local|test)", re.IGNORECASE)


def _assigns_authentication_classes(node: cst.CSTNode) -> bool:
    """`authentication_classes = ...` (one target)."""
    return isinstance(node, cst.Assign) and len(node.targets) == 1 and is_name(node.targets[0].target,
                                                                                  "authentication_classes")


class CsrfProtectionDisabled(SecurityCheck):
    """CSRF protection turned off for a view or for the whole app.

    ## What it does
    Reports `@csrf_exempt` (Django, also through `method_decorator`) and `@csrf.exempt` (Flask-WTF) on a
    view, `csrf_exempt(view)` / `csrf.exempt(view)` calls, `WTF_CSRF_ENABLED = False` (a setting,
    `app.config[...]` or `app.config.update(...)`), a Django `MIDDLEWARE` list that has
    `SessionMiddleware` but not `CsrfViewMiddleware`, and a DRF `SessionAuthentication` subclass whose
    `enforce_csrf` does nothing (`return`, `pass`).

    A view that never looks at who is calling (no login decorator, no `request.user`/`current_user`) acts for
    no session and is not reported, nor is `csrf.exempt(api_bp)` on an API blueprint (token-authenticated) or on the
    blueprint of a webhook module (`csrf.exempt(webhooks.bp)`).
    An exempt view that authenticates the request some other way is a near-miss and is not reported: it
    verifies a signature (`stripe.Webhook.construct_event`, `hmac.compare_digest`, a `*signature*` call),
    reads an `Authorization`, `X-API-Key` or signature header (itself, or in a decorator or a helper it calls of
    the same module: `@artist_token_required`, `if not controller_authorised(request, kiln)`), or sets DRF `authentication_classes` without `SessionAuthentication` (cookies are
    not used).

    ## Why is this bad?
    Browsers attach cookies to requests any website sends. Without the CSRF check, a page the logged-in
    user visits can submit a form to this view and act as the user: change the email, transfer money,
    delete data.

    ## Known limits
    The signature check must be visible in the view's own body or a decorator of its module; a
    `csrf_exempt(view)` call whose view is
    named like a webhook receiver (`stripe_webhook`) is not reported, since its body is elsewhere.
    Settings in dev, local or test modules and `Test*`/`Dev*` config classes are skipped, as are test files.
    """

    id = "SEC014"
    VALID = (
        # The kiln controller posts with its own key, which a helper of this module compares; no cookie is used.
        """
import hmac
from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

def controller_authorised(request, kiln):
    supplied = request.headers.get("X-Controller-Key", "")
    return hmac.compare_digest(supplied, settings.CONTROLLER_KEYS.get(kiln.controller_id, ""))

@csrf_exempt  # ok: SEC014
def upload_firing_log(request, kiln_id):
    kiln = get_object_or_404(Kiln, pk=kiln_id, owner=request.user)
    if not controller_authorised(request, kiln):
        return JsonResponse({"error": "unknown controller"}, status=403)
    return JsonResponse({"stored": True})
""",
        # The module's own decorator authenticates by a token in the `Authorization` header, not by the cookie.
        """
from functools import wraps
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

def artist_token_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        request.artist = Artist.objects.filter(api_token_hash=digest(header[6:]), is_active=True).first()
        if request.artist is None:
            return JsonResponse({"error": "invalid token"}, status=401)
        return view(request, *args, **kwargs)
    return wrapper

@csrf_exempt  # ok: SEC014
@artist_token_required
def book_walk_in(request):
    return JsonResponse({"id": create_walk_in(request.artist, request.body).id}, status=201)
""",
        # A public form that acts for no signed-in user, an API blueprint authenticated by tokens, and the blueprint
        # of a module of webhook receivers (signed by the provider).
        """
from flask import Blueprint, request
from flask_wtf.csrf import CSRFProtect
from shop import webhooks

csrf = CSRFProtect()
api_bp = Blueprint("api", __name__)
csrf.exempt(api_bp)  # ok: SEC014
csrf.exempt(webhooks.bp)  # ok: SEC014

@share_bp.post("/s/<code>")
@csrf.exempt  # ok: SEC014
def open_share_link(code):
    link = find_link(code)
    return link.check_password(request.form.get("password", ""))
""",
        """
import stripe
from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

@csrf_exempt  # ok: SEC014
def stripe_webhook(request):
    event = stripe.Webhook.construct_event(
        request.body, request.META["HTTP_STRIPE_SIGNATURE"], settings.STRIPE_WEBHOOK_SECRET)
    handle(event)
    return HttpResponse(status=200)
""",
        """
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authentication import TokenAuthentication
from rest_framework.decorators import api_view, authentication_classes

@csrf_exempt  # ok: SEC014
@api_view(["POST"])
@authentication_classes([TokenAuthentication])
def sync_devices(request):
    return Response(status=204)
""",
        """
class TestingConfig:
    TESTING = True
    WTF_CSRF_ENABLED = False  # ok: SEC014
""",
        """
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from payments import views

urlpatterns = [
    path("hooks/github/", csrf_exempt(views.github_webhook)),  # ok: SEC014
    path("orders/", views.orders),
]
""",
        """
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",  # ok: SEC014
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
""",
    )
    INVALID = (
        # The helper sends its own `Authorization` header to another service; the request itself rides the cookie.
        """
import httpx
from django.contrib.auth.decorators import login_required
from django.views.decorators.csrf import csrf_exempt

def _ping_estimators(quote):
    httpx.post(SMS_URL, json={"text": f"New enquiry {quote.pk}"}, headers={"Authorization": f"Bearer {KEY}"}, timeout=5)

@csrf_exempt  # expect: SEC014
@login_required
def website_enquiry(request):
    quote = EnquiryForm(request.POST).save()
    _ping_estimators(quote)
    return redirect("quote-detail", pk=quote.pk)
""",
        # A session authentication that skips DRF's CSRF check; one that keeps it and adds a header check is fine.
        """
from rest_framework.authentication import SessionAuthentication

class WidgetSessionAuthentication(SessionAuthentication):
    \"\"\"The shop widget posts from an iframe on the marketing site.\"\"\"

    def enforce_csrf(self, request):  # expect: SEC014
        return None

class ConsoleSessionAuthentication(SessionAuthentication):
    def enforce_csrf(self, request):  # ok: SEC014
        if request.headers.get("X-Console") != "1":
            raise PermissionDenied("missing console header")
        return super().enforce_csrf(request)
""",
        """
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from accounts.models import Profile

@csrf_exempt  # expect: SEC014
def update_email(request):
    profile = Profile.objects.get(user=request.user)
    profile.email = request.POST["email"]
    profile.save()
    return JsonResponse({"ok": True})
""",
        """
from flask import Flask
from flask_wtf.csrf import CSRFProtect

app = Flask(__name__)
app.config["WTF_CSRF_ENABLED"] = False  # expect: SEC014
csrf = CSRFProtect(app)

@app.post("/transfer")
@csrf.exempt  # expect: SEC014
@login_required
def transfer():
    return move_money(current_user.id, request.form["to"], request.form["amount"])
""",
        """
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

@method_decorator(csrf_exempt, name="dispatch")  # expect: SEC014
class CheckoutView(View):
    def post(self, request):
        return place_order(request.user, request.POST)
""",
        """
MIDDLEWARE = [  # expect: SEC014
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._dev_module = bool(_DEV_FILE.search(ctx.path.replace("\\", "/")))
        self._local_functions: dict[str, cst.FunctionDef] = {}

    # --- exempt views -------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        # The module's own decorators, by name: one that reads an `Authorization` header authenticates its views.
        self._local_functions = {fn.name.value: fn for fn in node.body if isinstance(fn, cst.FunctionDef)}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._judge_decorated(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._judge_decorated(node)
        self._judge_session_authentication(node)

    def _judge_session_authentication(self, node: cst.ClassDef) -> None:
        """DRF's `SessionAuthentication` with an `enforce_csrf` that does nothing: every view that lists the class
        takes the session cookie without the CSRF check."""
        if self.ctx.is_test or not any((attribute_path(base.value) or "").endswith("SessionAuthentication")
                                       for base in node.bases):
            return
        for method in node.body.body:
            if (isinstance(method, cst.FunctionDef) and method.name.value == "enforce_csrf"
                    and _does_nothing(method)):
                self.report(method, f"`{node.name.value}` turns off DRF's CSRF check for session cookies: any "
                                    "website the user visits can send these requests with the user's cookies.")

    def _judge_decorated(self, node: cst.FunctionDef | cst.ClassDef) -> None:
        if self.ctx.is_test:
            return
        for decorator in node.decorators:
            if self._is_exempt_decorator(decorator.decorator):
                # A view that never looks at who is calling acts for no one: a forged request rides no session.
                public = isinstance(node, cst.FunctionDef) and not identifies_caller(node)
                # `@artist_token_required`, defined here, reads the `Authorization` header: no cookie, no CSRF.
                by_decorator = any(
                    (local := self._local_functions.get(decorator_name(other) or "")) is not None
                    and _authenticates_otherwise(local) for other in node.decorators)
                # `if not controller_authorised(request, kiln): 403`: a helper of this module, handed the request,
                # that compares a key (not one that sends its own `Authorization` header to another service).
                by_helper = isinstance(node, cst.FunctionDef) and any(
                    isinstance(call, cst.Call) and isinstance(call.func, cst.Name)
                    and any(isinstance(arg.value, cst.Name) and arg.value.value == "request" for arg in call.args)
                    and (local := self._local_functions.get(call.func.value)) is not None
                    and local is not node and _authenticates_otherwise(local)
                    for call in findall(node.body, cst.Call))
                if not _authenticates_otherwise(node) and not by_decorator and not by_helper and not public:
                    self.report(decorator, f"`{node.name.value}` is exempt from CSRF checks: any website the user "
                                           "visits can submit this request with the user's cookies.")
                return

    def _is_exempt_decorator(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Call) and call_name(expr) == "method_decorator":
            return bool(expr.args) and self._is_exempt_decorator(expr.args[0].value)
        if isinstance(expr, cst.Name):
            return (self.ctx.qualify(expr) or "").endswith("csrf_exempt")
        if isinstance(expr, cst.Attribute):
            if expr.attr.value == "csrf_exempt":
                return True
            return expr.attr.value == "exempt" and "csrf" in (attribute_path(expr.value) or "").lower()
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.is_test:
            return
        if node.args and self._is_exempt_decorator(node.func) and call_name(node) != "method_decorator":
            view = expr_name(node.args[0].value) or ""
            if isinstance(node.args[0].value, cst.Call):  # csrf_exempt(View.as_view())
                view = expr_name(node.args[0].value.func) or ""
                inner = node.args[0].value.func
                if isinstance(inner, cst.Attribute):
                    view = expr_name(inner.value) or view
            # `csrf.exempt(api_bp)`: an API blueprint, authenticated by tokens rather than the session cookie; the
            # module may say it (`csrf.exempt(webhooks.bp)`).
            first = node.args[0].value
            path = attribute_path(first) if isinstance(first, cst.Attribute) else None
            words = set(identifier_words(view))
            words.update(word for part in (path or "").split(".") for word in identifier_words(part))
            if not words & (_WEBHOOK_WORDS | {"api"}):
                self.report(node, f"`{view or 'the view'}` is exempt from CSRF checks: any website the user visits "
                                  "can submit this request with the user's cookies.")
        elif call_name(node) in ("update", "from_mapping") and not self._in_dev_config():
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value in _CSRF_SETTINGS and is_false(arg.value):
                    self._report_setting(node, arg.keyword.value)
                    return

    # --- settings -------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        if self.ctx.is_test or self._in_dev_config():
            return
        for target in node.targets:
            t = target.target
            name = t.value if isinstance(t, cst.Name) else expr_name(t) if isinstance(t, cst.Subscript) else None
            if name in _CSRF_SETTINGS and is_false(node.value):
                self._report_setting(node, name)
            elif name == "MIDDLEWARE" and isinstance(node.value, (cst.List, cst.Tuple)) and not self.ctx.function_stack:
                entries = {string_value(el.value) for el in node.value.elements}
                if _SESSION_MIDDLEWARE in entries and _CSRF_MIDDLEWARE not in entries:
                    self.report(node, "`MIDDLEWARE` has sessions but no `CsrfViewMiddleware`: every form view "
                                      "accepts requests forged by other websites.")

    def _report_setting(self, node: cst.CSTNode, name: str) -> None:
        self.report(node, f"`{name} = False` turns CSRF protection off for every form: any website the user "
                          "visits can submit them with the user's cookies.")

    def _in_dev_config(self) -> bool:
        return self._dev_module or any(_DEV_CLASS.search(c.name.value) for c in self.ctx.class_stack)


def _authenticates_otherwise(node: cst.FunctionDef | cst.ClassDef) -> bool:
    """Whether the view checks a signature, reads a credential header, or uses token-only DRF authentication,
    so CSRF does not apply."""
    for decorator in node.decorators:
        if (isinstance(decorator.decorator, cst.Call) and call_name(decorator.decorator) == "authentication_classes"
                and _without_session(decorator.decorator)):
            return True
    if isinstance(node, cst.ClassDef):
        for assign in findall(node.body, _assigns_authentication_classes):
            if isinstance(assign, cst.Assign) and _without_session(assign.value):
                return True
    for found in findall(node.body, (cst.SimpleString, cst.Call)):
        if isinstance(found, cst.SimpleString):
            text = string_value(found)
            if text and _NON_COOKIE_AUTH.search(text):
                return True
        elif isinstance(found, cst.Call):
            name = call_name(found) or ""
            if name in _SIGNATURE_CALLS or "signature" in name.lower():
                return True
            if (attribute_path(found.func) or "") == "hmac.new":
                return True
    return False


def _does_nothing(fn: cst.FunctionDef) -> bool:
    """A body of only a docstring, `pass`, `return` or `return None`."""
    for statement in fn.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            return False
        for small in statement.body:
            if isinstance(small, cst.Pass):
                continue
            if isinstance(small, cst.Return) and (small.value is None or (
                    isinstance(small.value, cst.Name) and small.value.value == "None")):
                continue
            if isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
                continue
            return False
    return True


def _without_session(expr: cst.CSTNode) -> bool:
    """DRF `authentication_classes` naming only token-style classes (no `SessionAuthentication`)."""
    names = [n.value for n in findall(expr, cst.Name) if isinstance(n, cst.Name)]
    return bool(names) and not any("Session" in n for n in names if n != "authentication_classes")
