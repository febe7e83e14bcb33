"""SEC013: CORS that lets any origin make credentialed requests."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import has_star_kwargs, keyword
from reviewer.checks._security import SecurityCheck, call_name, is_true, string_value

_WILDCARD_REGEXES = frozenset({".*", ".+", "https?://.*", "https://.*", "http.*", "*", "https?://.+",
                               "https://.+"})
# Domains where anyone can publish a site under a name of their choosing: an origin pattern that admits every
# subdomain of one (`https://[a-z0-9-]+\.vercel\.app`) admits every stranger's deployment there too.
_SHARED_HOSTING = re.compile(r"(vercel\.app|netlify\.app|herokuapp\.com|github\.io|pages\.dev|workers\.dev|"
                             r"onrender\.com|fly\.dev|railway\.app|ngrok-free\.app|ngrok\.io|ngrok\.app|"
                             r"azurewebsites\.net|cloudfront\.net|appspot\.com|web\.app|firebaseapp\.com|glitch\.me|"
                             r"repl\.co|surge\.sh)$")
# A part of a pattern that matches any name: `.*`, `.+`, `[a-z0-9-]+`, `\w+`, `[^.]+`.
_ANY_NAME = re.compile(r"\.[*+]|\][*+]|\\w[*+]")


def _match_all(pattern: str | None) -> bool:
    """A regex of origins that any site matches: `.*`, `^https://.*$`, or any site of a shared hosting domain."""
    if pattern is None:
        return False
    bare = pattern.strip().removeprefix("^").removesuffix("$")
    if bare in _WILDCARD_REGEXES:
        return True
    plain = bare.replace("\\.", ".")
    host = _SHARED_HOSTING.search(plain)
    return host is not None and bool(_ANY_NAME.search(plain[:host.start()]))


_DJANGO_ALLOW_ALL = frozenset({"CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"})


class CorsWildcardWithCredentials(SecurityCheck):
    """CORS that allows any origin together with credentials.

    ## What it does
    Reports Starlette/FastAPI `CORSMiddleware` (through `add_middleware`, `Middleware(...)` or a direct
    call) with `allow_origins` containing `"*"` (also as the fallback of an empty setting,
    `settings.origins or ["*"]`; or a match-all `allow_origin_regex`, also one that admits every site of a
    shared hosting domain where anyone can publish, `https://[a-z0-9-]+\\.vercel\\.app`) and
    `allow_credentials=True` (Falcon's `CORSMiddleware(allow_origins="*", allow_credentials="*")`, whose
    `allow_credentials` lists the origins given credentials); Flask-CORS `CORS(...)` / `@cross_origin(...)` with
    `supports_credentials=True`
    and no origins (the default is `*`) or `origins="*"`; aiohttp-cors defaults keyed `"*"` with
    `allow_credentials=True`; and django-cors-headers `CORS_ALLOW_ALL_ORIGINS = True` (or
    `CORS_ORIGIN_ALLOW_ALL`, or `CORS_ALLOWED_ORIGIN_REGEXES` with a match-all pattern) together with `CORS_ALLOW_CREDENTIALS = True` in the same module.
    A list of origins held in a module-level variable is followed.

    ## Why is this bad?
    With credentials allowed these libraries answer every origin by echoing it back, so any website a
    logged-in user visits can call the API with the user's cookies and read the answers: account data,
    CSRF tokens, and any action the API allows. List the trusted origins explicitly.

    ## Known limits
    Origins read from configuration or the environment are not judged, nor are hand-written
    `Access-Control-Allow-Origin` headers that reflect the request's `Origin`. Test files are skipped.
    """

    id = "SEC013"
    VALID = (
        """
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://app.example.com", "https://admin.example.com"],
    allow_credentials=True,  # ok: SEC013
    allow_methods=["*"],
)
""",
        """
from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
CORS(app, origins="*")  # ok: SEC013
CORS(app, resources={r"/api/*": {"origins": ["https://shop.example.com"]}}, supports_credentials=True)  # ok: SEC013
""",
        """
CORS_ALLOW_ALL_ORIGINS = True  # ok: SEC013
CORS_ALLOW_CREDENTIALS = False
""",
        # Every subdomain of the company's own domain: only the company publishes there.
        """
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://[a-z0-9-]+\\.example\\.com$"]  # ok: SEC013
CORS_ALLOW_CREDENTIALS = True
""",
    )
    INVALID = (
        # Anyone can deploy a site under vercel.app, and this pattern admits all of them with the user's cookies.
        """
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origin_regex=r"https://[a-z0-9-]+\\.vercel\\.app", allow_credentials=True)  # expect: SEC013
""",
        """
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://.*$"]  # expect: SEC013
CORS_ALLOW_CREDENTIALS = True
""",
        """
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(  # expect: SEC013
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)
""",
        """
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

ORIGINS = ["*"]
middleware = [Middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)]  # expect: SEC013
app = Starlette(middleware=middleware)
""",
        """
from flask import Flask
from flask_cors import CORS, cross_origin

app = Flask(__name__)
CORS(app, supports_credentials=True)  # expect: SEC013

@app.get("/me")
@cross_origin(origins="*", supports_credentials=True)  # expect: SEC013
def me():
    return {"user": "me"}
""",
        """
INSTALLED_APPS = ["corsheaders"]
CORS_ORIGIN_ALLOW_ALL = True  # expect: SEC013
CORS_ALLOW_CREDENTIALS = True
""",
        # Every origin whenever the configured list is empty.
        """
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(  # expect: SEC013
    CORSMiddleware,
    allow_origins=list(settings.allowed_origins) or ["*"],
    allow_credentials=True,
)
""",
        # Falcon's middleware: `allow_credentials` names the origins that get credentials, here all of them.
        """
import falcon

def create_app():
    cors = falcon.CORSMiddleware(allow_origins="*", allow_credentials="*")  # expect: SEC013
    public = falcon.CORSMiddleware(allow_origins="*")  # ok: SEC013
    return falcon.App(middleware=[cors])
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._module_values: dict[str, cst.BaseExpression] = {}
        self._allow_all: cst.CSTNode | None = None
        self._credentials = False

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.ctx.function_stack or self.ctx.class_stack:
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                name = target.target.value
                self._module_values[name] = node.value
                if name in _DJANGO_ALLOW_ALL and is_true(node.value):
                    self._allow_all = node
                elif name == "CORS_ALLOWED_ORIGIN_REGEXES" and isinstance(node.value, (cst.List, cst.Tuple)) and any(
                        _match_all(string_value(element.value)) for element in node.value.elements):
                    self._allow_all = node  # `[r"^https://.*$"]`: every site served over https
                elif name == "CORS_ALLOW_CREDENTIALS" and is_true(node.value):
                    self._credentials = True

    def leave_Module(self, original_node: cst.Module) -> None:
        if self._allow_all is not None and self._credentials and not self.ctx.is_test:
            self._report(self._allow_all)

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.is_test or has_star_kwargs(node):
            return
        name = call_name(node)
        if name in ("add_middleware", "Middleware", "CORSMiddleware"):
            if name != "CORSMiddleware" and not (node.args and _names_cors_middleware(node.args[0].value)):
                return
            origins, regex = keyword(node, "allow_origins"), keyword(node, "allow_origin_regex")
            credentials = keyword(node, "allow_credentials")
            wildcard = (origins is not None and self._has_wildcard(origins.value)) or (
                regex is not None and _match_all(string_value(regex.value)))
            # Falcon's `CORSMiddleware(allow_credentials="*")` names the origins given credentials: all of them.
            if wildcard and credentials is not None and (is_true(credentials.value) or (
                    (self.ctx.qualify(node.func) or "").startswith("falcon.")
                    and self._has_wildcard(credentials.value))):
                self._report(node)
        elif name in ("CORS", "cross_origin"):
            qualified = self.ctx.qualify(node.func) or ""
            credentials = keyword(node, "supports_credentials")
            if not qualified.startswith("flask_cors") or credentials is None or not is_true(credentials.value):
                return
            origins, resources = keyword(node, "origins"), keyword(node, "resources")
            if resources is not None and not self._resources_wildcard(resources.value):
                return
            if origins is None or self._has_wildcard(origins.value):
                self._report(node)
        elif name == "setup" and (self.ctx.qualify(node.func) or "").startswith("aiohttp_cors"):
            defaults = keyword(node, "defaults")
            if defaults is not None and isinstance(defaults.value, cst.Dict):
                for element in defaults.value.elements:
                    if (isinstance(element, cst.DictElement) and string_value(element.key) == "*"
                            and isinstance(element.value, cst.Call)):
                        credentials = keyword(element.value, "allow_credentials")
                        if credentials is not None and is_true(credentials.value):
                            self._report(node)
                            return

    def _has_wildcard(self, value: cst.BaseExpression) -> bool:
        if isinstance(value, cst.BooleanOperation) and isinstance(value.operator, cst.Or):
            # `settings.origins or ["*"]`: every origin whenever the setting is left empty.
            return self._has_wildcard(value.left) or self._has_wildcard(value.right)
        if isinstance(value, cst.Name) and value.value in self._module_values:
            value = self._module_values[value.value]
        if string_value(value) == "*":
            return True
        return isinstance(value, (cst.List, cst.Tuple, cst.Set)) and any(
            string_value(el.value) == "*" for el in value.elements)

    def _resources_wildcard(self, value: cst.BaseExpression) -> bool:
        """Flask-CORS `resources`: a dict of path -> options; wildcard when some options have `origins: "*"`
        or no origins at all."""
        if not isinstance(value, cst.Dict):
            return False
        for element in value.elements:
            if not isinstance(element, cst.DictElement) or not isinstance(element.value, cst.Dict):
                return False
            options = {string_value(e.key): e.value for e in element.value.elements if isinstance(e, cst.DictElement)}
            if "origins" not in options or self._has_wildcard(options["origins"]):
                return True
        return False

    def _report(self, node: cst.CSTNode) -> None:
        # The finding spans the whole call: its origins and credentials may be on any of its lines.
        self.report(node, "CORS allows every origin together with credentials: any website a logged-in user "
                          "visits can call this API with their cookies and read the answers.", end_node=node)


def _names_cors_middleware(expr: cst.BaseExpression) -> bool:
    return (isinstance(expr, cst.Name) and expr.value == "CORSMiddleware") or (
        isinstance(expr, cst.Attribute) and expr.attr.value == "CORSMiddleware")
