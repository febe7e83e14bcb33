"""SEC011: TLS certificate verification switched off."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import findall
from reviewer.checks._security import SecurityCheck, call_name, expr_name, is_false, string_value

# Keyword names that only ever mean "check the server's certificate".
_VERIFY_FLAGS = frozenset({"verify_ssl", "verify_certs", "ssl_verify", "validate_certs", "verify_certificate",
                           "check_certificate", "verify_tls", "tls_verify"})
_CERT_REQS = frozenset({"cert_reqs", "ssl_cert_reqs"})
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream",
                           "Client", "AsyncClient", "Session", "client", "resource", "urlopen", "ws_connect"})
_AIOHTTP_CALLS = _HTTP_METHODS | {"TCPConnector", "ClientSession"}
# An `if` on a setting like this makes turning verification off an explicit opt-in (`--insecure`).
_OPT_IN = re.compile(r"verify|insecure|ssl|tls|cert|hostname|skip|ignore|unsafe|no_check", re.IGNORECASE)
_NAMES = (cst.Name, cst.Attribute)
# Libraries whose `verify=` is the certificate check.
_HTTP_LIBRARIES = ("requests", "httpx", "boto3", "botocore", "aiohttp", "urllib3", "niquests", "hvac")


class TlsVerificationDisabled(SecurityCheck):
    """TLS certificate verification switched off.

    ## What it does
    Reports `verify=False` on `requests`/`httpx`/`boto3` calls, sessions and clients (and on HTTP-verb
    methods in modules that import them), `session.verify = False`, `ssl=False` on aiohttp calls,
    keywords such as `verify_ssl=False`, `verify_certs=False`, `validate_certs=False`,
    `ssl._create_unverified_context` (called or installed as the default), `ssl.CERT_NONE` or
    `cert_reqs="CERT_NONE"` given to a keyword, and `check_hostname = False` or `verify_mode = CERT_NONE`
    on an SSL context the code created (`ctx = ssl.create_default_context()`); when one function does
    both, only the `CERT_NONE` line is reported.

    ## Why is this bad?
    Without certificate checks anyone on the network path (a café Wi-Fi, a compromised router, a
    misconfigured proxy, another pod) can present their own certificate and read or change the traffic:
    API keys, passwords and payment data included. Internal CAs belong in `verify="/path/ca.pem"` or the
    system trust store, not in turning the check off.

    ## Known limits
    A `verify` value held in a variable or settings flag is not judged (but one that falls back to `False`
    when the setting is missing, `verify=cfg.get("CA_BUNDLE", False)`, is reported), and code under an `if` that tests
    such a flag (`if ignore_ssl_certs:`, `elif verify is False:`) is taken as an explicit opt-in and is
    not reported: HTTP libraries implement `verify=False` that way. A context received as a parameter
    or held in `self` is not followed. `urllib3.disable_warnings()` alone
    only hides the warning and is not reported. Test files are skipped.
    """

    id = "SEC011"
    VALID = (
        """
import requests

def fetch_invoice(invoice_id):
    return requests.get(f"https://billing.internal/invoices/{invoice_id}",
                        verify="/etc/ssl/internal-ca.pem", timeout=10)  # ok: SEC011
""",
        """
import ssl
import httpx

def make_client(settings):
    context = ssl.create_default_context(cafile=settings.CA_FILE)
    context.check_hostname = True  # ok: SEC011
    return httpx.Client(verify=context, timeout=5)  # ok: SEC011
""",
        """
import ssl

def is_insecure(context: ssl.SSLContext) -> bool:
    return context.verify_mode == ssl.CERT_NONE  # ok: SEC011

def client_context(insecure_skip_verify: bool) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if insecure_skip_verify:
        context.check_hostname = False  # ok: SEC011
        context.verify_mode = ssl.CERT_NONE  # ok: SEC011
    return context
""",
        """
from app.validation import validate

def check_payload(payload):
    return validate(payload, verify=False)  # ok: SEC011
""",
    )
    INVALID = (
        """
import requests

session = requests.Session()
session.verify = False  # expect: SEC011

def fetch_rates():
    return requests.get("https://rates.example.com/today", verify=False, timeout=5)  # expect: SEC011
""",
        """
import ssl
import urllib.request

ssl._create_default_https_context = ssl._create_unverified_context  # expect: SEC011

def download(url):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # expect: SEC011
    return urllib.request.urlopen(url, context=context, timeout=10).read()
""",
        """
import boto3
import httpx
import requests
from elasticsearch import Elasticsearch

s3 = boto3.client("s3", endpoint_url="https://minio.internal:9000", verify=False)  # expect: SEC011
supplier = requests.post(SUPPLIER_URL, json={}, timeout=10, verify=cfg.get("SUPPLIER_CA_BUNDLE", False))  # expect: SEC011
es = Elasticsearch("https://search.internal:9200", verify_certs=False)  # expect: SEC011

async def fetch(url):
    async with httpx.AsyncClient(verify=False) as client:  # expect: SEC011
        return await client.get(url)
""",
        """
import ssl
import smtplib

def send_report(host, message):
    context = ssl.create_default_context()
    context.check_hostname = False  # expect: SEC011
    with smtplib.SMTP_SSL(host, 465, context=context, timeout=10) as smtp:
        smtp.send_message(message)
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._opt_in_depth = 0
        # `check_hostname = False` is held until the function ends: when the same function also sets
        # CERT_NONE, that one finding says it all.
        self._hostname_off: dict[cst.FunctionDef | None, list[cst.Assign]] = {}

    def visit_If(self, node: cst.If) -> None:
        self._opt_in_depth += _is_opt_in(node)

    def leave_If(self, original_node: cst.If) -> None:
        self._opt_in_depth -= _is_opt_in(original_node)

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.is_test or self._opt_in_depth:
            return
        if self._unverified_context(node.func):
            self.report(node, "`ssl._create_unverified_context()` skips certificate checks: anyone on the network "
                              "path can read and change this traffic.")
            return
        for arg in node.args:
            if arg.keyword is None:
                continue
            flag = arg.keyword.value
            if flag in _VERIFY_FLAGS and is_false(arg.value):
                self._report(node, f"`{flag}=False`")
                return
            if flag in _CERT_REQS and self._is_cert_none(arg.value):
                self._report(node, f"`{flag}` set to CERT_NONE")
                return
            if flag == "verify" and is_false(arg.value) and self._is_http_call(node):
                self._report(node, "`verify=False`")
                return
            if flag == "verify" and _defaults_to_false(arg.value) and self._is_http_call(node):
                # `verify=cfg.get("CA_BUNDLE", False)`: a setting that, when missing, turns verification off
                self._report(node, "`verify` falling back to `False` when the setting is missing")
                return
            if flag == "ssl" and is_false(arg.value) and self.ctx.imports_module("aiohttp") and \
                    call_name(node) in _AIOHTTP_CALLS:
                self._report(node, "`ssl=False`")
                return

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.ctx.is_test or self._opt_in_depth:
            return
        for target in node.targets:
            t = target.target
            if not isinstance(t, cst.Attribute):
                continue
            attr = t.attr.value
            if attr == "verify" and is_false(node.value) and self.ctx.imports_module(*_HTTP_LIBRARIES):
                self._report(node, "`.verify = False`")
            elif attr == "check_hostname" and is_false(node.value) and self._made_here(t.value):
                self._hostname_off.setdefault(self.ctx.function, []).append(node)
            elif attr == "verify_mode" and self._is_cert_none(node.value) and self._made_here(t.value):
                self._hostname_off.pop(self.ctx.function, None)
                self._report(node, "`verify_mode = CERT_NONE`")
            elif attr == "_create_default_https_context" and self._unverified_context(node.value):
                self._report(node, "the unverified context installed as the default")

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        for node in self._hostname_off.pop(original_node, ()):
            self._report(node, "`check_hostname = False`")

    def leave_Module(self, original_node: cst.Module) -> None:
        for node in self._hostname_off.pop(None, ()):
            self._report(node, "`check_hostname = False`")

    def _made_here(self, context: cst.BaseExpression) -> bool:
        """Whether the SSL context was created by this code (`ctx = ssl.create_default_context()`).

        A context that arrives as a parameter or is `self` belongs to a TLS library adjusting its own
        checks (truststore, urllib3), not to an application turning them off.
        """
        qualified = self.ctx.qualify(context) or ""
        return qualified.endswith("()") and ("ssl" in qualified.lower() or "context" in qualified.lower())

    def _report(self, node: cst.CSTNode, what: str) -> None:
        self.report(node, f"TLS certificate verification is off ({what}): anyone on the network path can "
                          "impersonate the server and read or change the traffic.")

    def _is_http_call(self, node: cst.Call) -> bool:
        qualified = self.ctx.qualify(node.func) or ""
        if qualified.split(".")[0] in _HTTP_LIBRARIES:
            return True
        return call_name(node) in _HTTP_METHODS and self.ctx.imports_module(*_HTTP_LIBRARIES)

    def _is_cert_none(self, value: cst.BaseExpression) -> bool:
        text = string_value(value)
        if text is not None:
            return text.lower() in ("cert_none", "none")
        return isinstance(value, (cst.Name, cst.Attribute)) and self.ctx.qualify(value) == "ssl.CERT_NONE"

    def _unverified_context(self, expr: cst.BaseExpression) -> bool:
        name = expr_name(expr) if isinstance(expr, (cst.Attribute, cst.Name)) else None
        return name == "_create_unverified_context" and (self.ctx.qualify(expr) or "").startswith("ssl.")


def _is_opt_in(node: cst.If) -> bool:
    for found in findall(node.test, _NAMES):
        name = found.value if isinstance(found, cst.Name) else found.attr.value if isinstance(
            found, cst.Attribute) else ""
        if _OPT_IN.search(name):
            return True
    return False


def _defaults_to_false(expr: cst.BaseExpression) -> bool:
    """`settings.get("CA_BUNDLE", False)`, `getattr(settings, "VERIFY", False)`: False unless configured."""
    if not isinstance(expr, cst.Call) or len(expr.args) != 2 or expr.args[1].keyword is not None:
        return False
    name = call_name(expr)
    return name in ("get", "getattr") and is_false(expr.args[1].value)
