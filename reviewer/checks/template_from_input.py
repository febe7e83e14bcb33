"""SEC016: a template, or HTML marked safe, built from variables (server-side template injection, XSS)."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import keyword
from reviewer.checks._security import (AssignmentTrackingCheck, built_or_input_labels, built_pieces, call_name,
                                       expr_name, first_arg, is_request_input, literal_text, piece_label,
                                       string_value, unsafe_pieces)

# Compile their argument as template source: the text can run template code.
_TEMPLATE_SOURCES = frozenset({"flask.render_template_string", "quart.render_template_string", "jinja2.Template",
                               "jinja2.environment.Template", "mako.template.Template", "django.template.Template",
                               "tornado.template.Template"})
# Mark their argument as safe HTML: the text is sent unescaped.
_SAFE_MARKERS = frozenset({"markupsafe.Markup", "flask.Markup", "jinja2.Markup", "django.utils.safestring.mark_safe",
                           "django.utils.safestring.SafeString", "django.utils.html.mark_safe"})
_CALL_NAMES = frozenset({q.rsplit(".", 1)[1] for q in _TEMPLATE_SOURCES | _SAFE_MARKERS} | {"from_string"})
# Jinja's sandbox (`SandboxedEnvironment`, `ImmutableSandboxedEnvironment`) is built to compile untrusted templates.
_SANDBOX = "jinja2.sandbox."
# Escaping a value makes it plain text inside HTML.
_ESCAPES = frozenset({"escape", "html.escape", "conditional_escape", "markupsafe.escape", "bleach.clean", "clean",
                      "urlencode", "quote", "json.dumps", "format_html", "escapejs", "strip_tags", "linebreaks"})
# The application's own text, translated: what a translator writes is not what a visitor sends.
_TRANSLATIONS = frozenset({"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy",
                           "npgettext", "ugettext", "ugettext_lazy", "lazy_gettext", "lazy_pgettext"})


# Responses whose body is sent as an HTML page: Django's and Starlette's HTML responses always; aiohttp's, Flask's
# and Starlette's plain `Response` when their content type says so.
_HTML_RESPONSES = frozenset({"django.http.HttpResponse", "django.http.response.HttpResponse",
                             "starlette.responses.HTMLResponse", "fastapi.responses.HTMLResponse"})
_TYPED_RESPONSES = frozenset({"aiohttp.web.Response", "flask.Response", "starlette.responses.Response",
                              "fastapi.Response", "fastapi.responses.Response", "werkzeug.wrappers.Response"})
_HTML_TAG = re.compile(r"<[a-zA-Z]")
# Values that are numbers or identifiers in a page: `{reservation.id}`, `{row["amount_cents"]}`.
_HTML_PLAIN_VALUE = re.compile(r"(\w+_)?(id|pk|uuid|count|total|number|num|qty|quantity|amount|cents|pence|price|"
                               r"percent|score|stars|rank|km|year|month|day|date|at|size|length)", re.IGNORECASE)

# Objects that hold the application's own settings, not records that users edit.
_CONFIG_ROOTS = frozenset({"self", "cls", "settings", "config", "conf", "app", "current_app", "options"})


def _stored_template(source: cst.BaseExpression, any_field: bool = False) -> str | None:
    """`campaign.body_template`: a template kept on a record, which the users who edit that record write. With
    `any_field` (Flask's `render_template_string`, which compiles whatever text it is given), any field of a
    record: `customer.invoice_footer or ""`, `opening + canned.body`."""
    if any_field and isinstance(source, cst.BooleanOperation) and isinstance(source.operator, cst.Or):
        return _stored_template(source.left, any_field)
    if any_field and isinstance(source, cst.BinaryOperation) and isinstance(source.operator, cst.Add):
        return _stored_template(source.left, any_field) or _stored_template(source.right, any_field)
    if not isinstance(source, cst.Attribute) or not (any_field or "template" in source.attr.value.lower()):
        return None
    root = source.value
    while isinstance(root, (cst.Attribute, cst.Subscript)):
        root = root.value
    if not isinstance(root, cst.Name) or root.value in _CONFIG_ROOTS or root.value.isupper():
        return None
    return f"`{root.value}.{source.attr.value}`, a template stored on a record its users edit"


class TemplateFromInput(AssignmentTrackingCheck):
    """A template, or HTML marked safe, built from variables.

    ## What it does
    Reports `render_template_string(...)`, `jinja2.Template(...)`, `Environment(...).from_string(...)`,
    Mako/Django/Tornado `Template(...)` when the template source is built from variables (f-string, `%`,
    `+`, `.format`, directly or through one assignment in the function; or the application's template with a
    variable spliced in, `PAGE.replace("__BODY__", body)`), is request input, or is a template
    kept on a record (`from_string(campaign.body_template)`); and
    `Markup(...)` / `mark_safe(...)` of such built text, also when it is joined from built pieces
    (`"".join(f"<li>{n.body}</li>" for n in notes)`, or a list filled with `rows.append(f"...")` and joined),
    unless every interpolated value is escaped (`escape`, `conditional_escape`, `html.escape`, `bleach.clean`).
    Also reports an HTML page built by hand and sent as the response (Django's `HttpResponse`, `HTMLResponse`,
    an aiohttp, Flask or Starlette `Response` with a `text/html` content type) whose text interpolates values that
    are not escaped: request input, a record's fields, the rows of a query (`f"<td>{order['notes']}</td>"`,
    directly, through local names, or as pieces appended to a list and joined), with the unescaped values as
    related lines. Values named as numbers or ids (`{reservation.id}`, `{row['amount_cents']}`) and, outside
    request handlers, a helper's own parameters (the title its caller passes) are not counted.

    Near-misses: a constant template with the values passed as context
    (`render_template_string(PAGE, name=name)`), `Markup("<b>{}</b>").format(name)` and `format_html`,
    which escape their arguments, and `from_string` on a Jinja `SandboxedEnvironment` (or
    `ImmutableSandboxedEnvironment`), which is made for templates written by users.

    ## Why is this bad?
    Text placed into the template source is compiled as template code: `{{ config }}` leaks secrets, and
    `{{ ''.__class__.__mro__[1].__subclasses__() }}` reaches `os` and runs commands on the server
    (server-side template injection). Text marked safe skips escaping, so a `<script>` in a user's name runs
    in every visitor's browser (XSS).

    ## Known limits
    A template source passed in as a function parameter (helpers that render admin-edited templates) is not
    reported; only text built in the function, read from the request, or kept in a record's `*template*`
    attribute (`campaign.body_template`, not `settings.*` or `self.*`; for Flask's `render_template_string`,
    which compiles whatever it is given, any field of a record: `customer.invoice_footer`) is. A record's template that only
    administrators can edit is still reported: the sandbox costs little and limits what a stolen admin
    account can do. Test files are skipped.
    A sandbox is recognised only when the environment is made from `jinja2.sandbox` in this file (not a
    subclass, not one passed in), and it is trusted as a whole: a sandbox that exposes dangerous objects in
    its globals, or renders with autoescaping off into a page, is not judged.
    """

    id = "SEC016"
    VALID = (
        """
from flask import Flask, request, render_template_string
from markupsafe import Markup, escape

app = Flask(__name__)
GREETING = "<h1>Hello {{ name }}</h1>"

@app.get("/hello")
def hello():
    name = request.args.get("name", "world")
    banner = Markup("<b>{}</b>").format(name)  # ok: SEC016
    badge = Markup(f"<span class='badge'>{escape(name)}</span>")  # ok: SEC016
    return render_template_string(GREETING, name=name, banner=banner, badge=badge)  # ok: SEC016
""",
        """
from django.http import JsonResponse
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

user_templates = SandboxedEnvironment(autoescape=True)

def render_signature(request, account):
    source = request.POST["signature_template"]
    try:
        text = user_templates.from_string(source).render(account=account)  # ok: SEC016
    except TemplateError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"signature": text})
""",
        """
from django.utils.html import format_html

def user_link(user):
    return format_html('<a href="/users/{}">{}</a>', user.pk, user.get_full_name())  # ok: SEC016
""",
        # A page with only numbers and escaped text in it; a helper's page built from what its caller passes.
        """
import html
from django.http import HttpResponse

def receipt(request, order_id):
    order = Order.objects.get(pk=order_id, customer=request.user)
    return HttpResponse(f"<h1>Order {order.id}</h1><p>{html.escape(order.notes)}</p>"  # ok: SEC016
                        f"<p>Total: {order.total_cents}</p>")

def docs_page(title, openapi_url):
    return HttpResponse(f"<html><head><title>{title}</title></head><body data-url='{openapi_url}'></body></html>")  # ok: SEC016

def note_source(request, note_id):
    note = Note.objects.get(pk=note_id, owner=request.user)
    # "View source": the markup is shown as plain text, never rendered.
    return HttpResponse(f"<h1>{note.title}</h1>\\n{note.body_html}", content_type="text/plain")  # ok: SEC016
""",
        """
from flask import render_template_string

PAGE = "<h1>__TITLE__</h1>{{ body }}"

def preview(body):
    return render_template_string(PAGE.replace("__TITLE__", "Preview"), body=body)  # ok: SEC016
""",
    )
    INVALID = (
        # Flask's render_template_string compiles any record field it is given.
        """
from flask import render_template_string

def invoice_footer(invoice):
    return render_template_string(invoice.customer.invoice_footer or "")  # expect: SEC016

def preview(ticket, canned):
    opening = "Hi {{ customer }}, "
    return render_template_string(opening + canned.body, customer=ticket.name)  # expect: SEC016
""",
        # Pieces built from records, joined, then marked safe.
        """
from markupsafe import Markup, escape

def notes_panel(notes):
    items = "".join(f"<li><b>{n.author}</b>: {n.body}</li>" for n in notes)
    return Markup(f"<ul>{items}</ul>")  # expect: SEC016

def schedule_table(slots):
    rows = []
    for slot in slots:
        rows.append(f"<tr><td>{slot.room}</td><td>{slot.title}</td></tr>")
    table = "<table>" + "".join(rows) + "</table>"
    return Markup(table)  # expect: SEC016

def safe_notes_panel(notes):
    items = "".join(f"<li>{escape(n.body)}</li>" for n in notes)
    return Markup(items)  # ok: SEC016
""",
        """
from flask import Flask, request, render_template_string

app = Flask(__name__)

@app.get("/hello")
def hello():
    name = request.args.get("name", "world")
    page = f"<h1>Hello {name}</h1>"
    return render_template_string(page)  # expect: SEC016
""",
        """
from jinja2 import Environment, Template

env = Environment(autoescape=True)

def render_invoice(customer, customer_note, total):
    header = Template("Invoice for " + customer_note)  # expect: SEC016
    body = env.from_string("<p>Total: %s</p><p>%s</p>" % (total, customer_note))  # expect: SEC016
    footer = env.from_string(customer.footer_template)  # expect: SEC016
    legal = env.from_string(settings.LEGAL_TEMPLATE)  # ok: SEC016
    return header.render() + body.render() + footer.render() + legal.render()
""",
        """
from django.utils.safestring import mark_safe

def comment_html(comment):
    return mark_safe(f"<div class='comment'><b>{comment.author}</b>: {comment.text}</div>")  # expect: SEC016
""",
        # A dashboard page assembled from rows and the query string, sent as HTML.
        """
from aiohttp import web

routes = web.RouteTableDef()

@routes.get("/ops/stores/{store_id}")
async def store_page(request):
    status_filter = request.query.get("status", "ready")
    orders = await request.app["db"].fetch("SELECT id, notes FROM orders WHERE status = $1 LIMIT 100", status_filter)
    html = [f"<h2>Orders ({status_filter})</h2><table>"]
    for order in orders:
        html.append(f"<tr><td>{order['id']}</td><td>{order['notes']}</td></tr>")
    page = "".join(html)
    return web.Response(text=page, content_type="text/html")  # expect: SEC016
""",
        # Rows joined into the table, the table placed into the page: the names are two steps from the response.
        """
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

@login_required
def trip_sheet(request, trip_id):
    trip = Trip.objects.get(pk=trip_id, driver__user=request.user)
    rows = trip.bookings.values_list("passenger_name", "notes")
    body = "".join(f"<tr><td>{name}</td><td>{notes}</td></tr>" for name, notes in rows)
    html = f"<table><tbody>{body}</tbody></table>"
    return HttpResponse(html)  # expect: SEC016
""",
        """
from flask import Flask, Response, request

app = Flask(__name__)

@app.get("/search")
def search():
    term = request.args.get("q", "")
    return Response(f"<h1>Results for {term}</h1>", mimetype="text/html")  # expect: SEC016
""",
        # The application's page with the visitor's text spliced in by `replace`.
        """
from flask import render_template_string, request

PAGE = "<article>__BODY__</article>"

def preview():
    return render_template_string(PAGE.replace("__BODY__", request.form["body"]))  # expect: SEC016
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._appended: dict[tuple[cst.FunctionDef, str], list[cst.BaseExpression]] = {}

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (isinstance(func, cst.Attribute) and func.attr.value == "append" and isinstance(func.value, cst.Name)
                and node.args and self.ctx.function is not None):
            # `rows.append(f"<tr><td>{slot.room}</td></tr>")`: a list of HTML pieces joined into a page later.
            self._appended.setdefault((self.ctx.function, func.value.value), []).append(node.args[0].value)
            return
        if self.ctx.is_test:
            return
        if self.ctx.function is not None and self._is_html_response(node):
            self._judge_html_response(node)
            return
        if call_name(node) not in _CALL_NAMES:
            return
        qualified = self.ctx.qualify(node.func) or ""
        if qualified in _TEMPLATE_SOURCES or (call_name(node) == "from_string" and self._is_jinja_env(node)):
            source = first_arg(node, "source") or first_arg(node, "text")
            if source is not None:
                labels = (self._unsafe(source, frozenset()) or self._replaced_unsafe(source)
                          or _stored_template(source, any_field=qualified.endswith("render_template_string")))
                if labels:
                    self.report(node, f"The template source is built from {labels}: text in it is compiled as "
                                      "template code and can read secrets or run commands (template injection).")
        elif qualified in _SAFE_MARKERS:
            source = first_arg(node)
            if source is not None:
                labels = self._unsafe(source, _ESCAPES) or self._joined_unsafe(source, 0)
                if labels:
                    self.report(node, f"HTML built from {labels} is marked safe and sent unescaped: a `<script>` "
                                      "in the value runs in every visitor's browser (XSS).")

    def _is_html_response(self, node: cst.Call) -> bool:
        qualified = self.ctx.qualify(node.func) or ""
        given = keyword(node, "content_type") or keyword(node, "mimetype") or keyword(node, "media_type")
        kind = given.value if given is not None else None
        if qualified in _HTML_RESPONSES:
            return kind is None or "text/html" in (string_value(kind) or "")  # not `content_type="text/csv"`
        if qualified not in _TYPED_RESPONSES:
            return False
        return "text/html" in (string_value(kind) or "")

    def _judge_html_response(self, node: cst.Call) -> None:
        """A page built by hand (`f"<td>{order['notes']}</td>"`, pieces appended to a list and joined) from values
        that are not escaped, sent as an HTML response."""
        body = first_arg(node) or first_arg(node, "text") or first_arg(node, "body") or first_arg(node, "content")
        if body is None:
            return
        pieces = self._html_pieces(body, 0)
        if not pieces:
            return
        labels = ", ".join(f"`{piece_label(p)}`" for p in pieces[:3])
        self.report(node, f"This HTML page is built from {labels} with no escaping: a `<script>` in the value runs in "
                          "the browser of whoever opens the page (XSS). Render a template with autoescaping, or "
                          "escape each value (`html.escape`).", related=pieces)

    def _html_pieces(self, expr: cst.BaseExpression, depth: int) -> list[cst.BaseExpression]:
        """The unescaped values a hand-built HTML text interpolates (not numbers or ids), following local names,
        `"".join(...)` of generated or appended pieces, and joins placed inside the text."""
        if depth > 5:  # rows joined into a table placed into the page: five steps from the response
            return []
        if isinstance(expr, cst.Name):
            assignments = self.assignments_here()
            return [p for value in (assignments.get(expr.value) if assignments is not None else None) or ()
                    for p in self._html_pieces(value, depth + 1)]
        if isinstance(expr, cst.Call) and call_name(expr) == "join" and expr.args:
            joined = expr.args[0].value
            if isinstance(joined, (cst.GeneratorExp, cst.ListComp)):
                return self._html_pieces(joined.elt, depth + 1)
            if isinstance(joined, cst.Name) and self.ctx.function is not None:
                return [p for piece in self._appended.get((self.ctx.function, joined.value), ())
                        for p in self._html_pieces(piece, depth + 1)]
            return []
        pieces = built_pieces(expr)
        if pieces is None or not _HTML_TAG.search(literal_text(expr)):
            return []
        found = []
        assignments = self.assignments_here()
        for piece in unsafe_pieces(expr, module_constants=self.constants, safe_calls=self._safe_calls(_ESCAPES)) or ():
            if _HTML_PLAIN_VALUE.fullmatch(_last_name(piece)):
                continue
            if isinstance(piece, cst.Call) and call_name(piece) == "join":
                found += self._html_pieces(piece, depth + 1)  # `{''.join(sections)}`
            elif isinstance(piece, cst.Name) and assignments is not None and assignments.get(piece.value):
                values = assignments.get(piece.value) or []
                inner = self._html_pieces(piece, depth + 1)  # `{rows_html}`, built above
                if inner or any(_joined_or_built(v) for v in values):
                    found += inner
                else:
                    found.append(piece)  # `status = request.query.get("status")`, `notes = order.notes`
            elif isinstance(piece, cst.Name) and not self.ctx.in_handler:
                continue  # a helper's own parameter (`title` of a docs page): what its caller passes is not known
            else:
                found.append(piece)
        return found

    def _safe_calls(self, names: frozenset[str]) -> frozenset[str]:
        """Calls that make a value safe here, also under the names this file imports them as
        (`from django.utils.html import escape as esc`); translations are the application's own text."""
        names = names | _TRANSLATIONS
        return names | {local for local, qualified in self.ctx.imports.items() if qualified.rsplit(".", 1)[-1] in names}

    def _is_jinja_env(self, node: cst.Call) -> bool:
        qualified = self.ctx.qualify(node.func) or ""
        if qualified.startswith(_SANDBOX):
            return False  # the sandbox is how Jinja renders untrusted templates: no attribute escapes, no `os`
        return qualified.startswith("jinja2.") or (self.ctx.imports_module("jinja2") and "Environment" in qualified)

    def _joined_unsafe(self, expr: cst.BaseExpression, depth: int) -> str | None:
        """HTML joined from pieces built from values: `"".join(f"<li>{n.body}</li>" for n in notes)`, or the
        `"".join(rows)` of a list filled with `rows.append(f"...")`, directly or through a local name."""
        if depth > 3:
            return None
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
            return self._joined_unsafe(expr.left, depth + 1) or self._joined_unsafe(expr.right, depth + 1)
        if isinstance(expr, cst.Name):
            assignments = self.assignments_here()
            for value in (assignments.get(expr.value) if assignments is not None else None) or ():
                found = self._joined_unsafe(value, depth + 1)
                if found:
                    return found
            return None
        if not (isinstance(expr, cst.Call) and call_name(expr) == "join" and expr.args):
            return None
        joined = expr.args[0].value
        if isinstance(joined, (cst.GeneratorExp, cst.ListComp)):
            return self._unsafe(joined.elt, _ESCAPES)
        if isinstance(joined, cst.Name) and self.ctx.function is not None:
            for piece in self._appended.get((self.ctx.function, joined.value), ()):
                found = self._unsafe(piece, _ESCAPES)
                if found:
                    return found
        return None

    def _replaced_unsafe(self, source: cst.BaseExpression) -> str | None:
        """`PAGE.replace("__BODY__", body)`: the application's template with a value spliced into its text, which
        is the same as building it with an f-string."""
        if not (isinstance(source, cst.Call) and isinstance(source.func, cst.Attribute)
                and source.func.attr.value == "replace" and len(source.args) == 2):
            return None
        template = source.func.value
        if not (isinstance(template, cst.SimpleString) or (isinstance(template, cst.Name)
                                                            and template.value.lstrip("_").isupper())):
            return None
        return self._unsafe(source.args[1].value, frozenset())

    def _unsafe(self, source: cst.BaseExpression, safe_calls: frozenset[str]) -> str | None:
        if safe_calls:
            safe_calls = self._safe_calls(safe_calls)
        return built_or_input_labels(source, self.assignments_here(), constants=self.constants,
                                     safe_calls=safe_calls)


def _last_name(expr: cst.BaseExpression) -> str:
    """`order["notes"]` -> notes, `inspection.notes` -> notes, `(x or "")` -> x's: what the value is called."""
    while isinstance(expr, cst.BooleanOperation):
        expr = expr.left
    return expr_name(expr) or ""


def _joined_or_built(expr: cst.BaseExpression) -> bool:
    """A value that is itself a piece of the page: a built string or a join, judged by its own pieces."""
    return built_pieces(expr) is not None or (isinstance(expr, cst.Call) and call_name(expr) == "join")
