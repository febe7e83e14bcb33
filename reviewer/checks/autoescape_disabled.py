"""SEC016: a Jinja2 environment that renders HTML without autoescaping."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import has_star_kwargs, keyword
from reviewer.checks._security import SecurityCheck, call_name, is_false

# NativeEnvironment is left out: it renders Python values, not HTML.
_ENVIRONMENTS = frozenset({"jinja2.Environment", "jinja2.environment.Environment",
                           "jinja2.sandbox.SandboxedEnvironment"})
# The module renders HTML: it is a web app, or it names HTML templates.
_HTML_HINT = re.compile(r"\.html?\b|<html|text/html")


class AutoescapeDisabled(SecurityCheck):
    """A Jinja2 environment that renders HTML without autoescaping.

    ## What it does
    Reports `jinja2.Environment(...)` and `SandboxedEnvironment(...)` created without `autoescape=` or with
    `autoescape=False`, in a module that renders HTML: a web app module, or one that mentions `.html`
    templates or `text/html`. `autoescape=True`, `select_autoescape(...)` or any other non-False value is
    fine.

    ## Why is this bad?
    Jinja2's own default is `autoescape=False` (only Flask's and Starlette's wrappers turn it on), so every
    `{{ value }}` is written into the page as raw HTML: a user's name containing `<script>` runs in other
    users' browsers (stored XSS), stealing sessions or acting as them.

    ## Known limits
    Environments that render non-HTML text (prompts, emails in plain text, config files, SQL) are fine
    without autoescaping and are skipped when the module gives no HTML hint; a module that renders both
    may be reported. An environment configured through `**options` is not judged. Test files are skipped.
    """

    id = "SEC016"
    VALID = (
        """
from jinja2 import Environment, FileSystemLoader, select_autoescape

env = Environment(
    loader=FileSystemLoader("templates"),
    autoescape=select_autoescape(["html", "xml"]),  # ok: SEC016
)

def render_receipt(order):
    return env.get_template("receipt.html").render(order=order)
""",
        """
from jinja2 import Environment, FileSystemLoader, StrictUndefined

prompts = Environment(loader=FileSystemLoader("prompts"), undefined=StrictUndefined)  # ok: SEC016

def render_prompt(name, **values):
    return prompts.get_template(f"{name}.txt").render(**values)
""",
    )
    INVALID = (
        """
from jinja2 import Environment, FileSystemLoader

env = Environment(loader=FileSystemLoader("templates"))  # expect: SEC016

def render_profile(user):
    return env.get_template("profile.html").render(user=user)
""",
        """
import jinja2
from flask import Flask

app = Flask(__name__)
emails = jinja2.Environment(loader=jinja2.PackageLoader("app"), autoescape=False)  # expect: SEC016
""",
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.is_test or call_name(node) not in ("Environment", "SandboxedEnvironment"):
            return
        if self.ctx.qualify(node.func) not in _ENVIRONMENTS or has_star_kwargs(node):
            return
        if not (self.ctx.is_web_app or _HTML_HINT.search(self.ctx.text)):
            return
        autoescape = keyword(node, "autoescape")
        if autoescape is None:
            self.report(node, "This Jinja2 environment renders HTML without `autoescape` (Jinja2's default is off): "
                              "values are written as raw HTML, so a `<script>` in user data runs in the browser.")
        elif is_false(autoescape.value):
            self.report(node, "`autoescape=False` writes every value into the HTML unescaped: a `<script>` in user "
                              "data runs in the browser (XSS).")
