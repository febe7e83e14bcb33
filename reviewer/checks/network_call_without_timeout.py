"""REL001: an outbound network call that can wait forever."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import PythonCheck, attribute_path, findall, has_star_kwargs, is_none, keyword

# Calls whose library default is to wait forever when no timeout is given.
_REQUESTS_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
_NO_DEFAULT_TIMEOUT = frozenset(
    [f"requests.{verb}" for verb in _REQUESTS_VERBS]
    + [f"requests.api.{verb}" for verb in _REQUESTS_VERBS]
    + [f"requests.Session().{verb}" for verb in _REQUESTS_VERBS]
    + [f"requests.session().{verb}" for verb in _REQUESTS_VERBS]
    + [f"requests.sessions.Session().{verb}" for verb in _REQUESTS_VERBS]
    + ["urllib.request.urlopen", "urllib2.urlopen", "socket.create_connection",
       "smtplib.SMTP", "smtplib.SMTP_SSL", "ftplib.FTP", "ftplib.FTP_TLS",
       "http.client.HTTPConnection", "http.client.HTTPSConnection", "telnetlib.Telnet",
       "imaplib.IMAP4", "imaplib.IMAP4_SSL", "poplib.POP3", "poplib.POP3_SSL"]
)
# Standard-library clients that use `socket.getdefaulttimeout()` when given no timeout.
_SOCKET_DEFAULT = frozenset({
    "urllib.request.urlopen", "urllib2.urlopen", "socket.create_connection", "smtplib.SMTP", "smtplib.SMTP_SSL",
    "ftplib.FTP", "ftplib.FTP_TLS", "http.client.HTTPConnection", "http.client.HTTPSConnection", "telnetlib.Telnet",
    "imaplib.IMAP4", "imaplib.IMAP4_SSL", "poplib.POP3", "poplib.POP3_SSL",
})
# Constructors that connect only when given a host: `smtplib.SMTP()` then `.connect(...)` is judged elsewhere.
_CONNECT_WITH_HOST = frozenset({"smtplib.SMTP", "smtplib.SMTP_SSL", "ftplib.FTP", "ftplib.FTP_TLS", "telnetlib.Telnet"})
# Where a positional timeout goes: urlopen(url, data, timeout), create_connection(address, timeout), ...
_TIMEOUT_POSITION = {
    "urllib.request.urlopen": 2, "urllib2.urlopen": 2, "socket.create_connection": 1,
    "http.client.HTTPConnection": 2, "telnetlib.Telnet": 2, "smtplib.SMTP": 3, "ftplib.FTP": 4,
    "imaplib.IMAP4": 2, "poplib.POP3": 2,
}
_SESSION_CLASSES = frozenset({"requests.Session", "requests.session", "requests.sessions.Session"})
# Standard adapters: mounting one sets retries or pool sizes, not a timeout.
_STANDARD_ADAPTERS = frozenset({"requests.adapters.HTTPAdapter", "requests.HTTPAdapter"})
# Calls with a finite library default: only an explicit `timeout=None` removes it.
_FINITE_DEFAULT = frozenset(
    [f"httpx.{verb}" for verb in (*_REQUESTS_VERBS, "stream")]
    + ["httpx.Client", "httpx.AsyncClient"]
    + [f"httpx.Client().{verb}" for verb in (*_REQUESTS_VERBS, "stream", "send")]
    + [f"httpx.AsyncClient().{verb}" for verb in (*_REQUESTS_VERBS, "stream", "send")]
    + ["aiohttp.ClientSession", "aiohttp.ClientTimeout"]
)


class NetworkCallWithoutTimeout(PythonCheck):
    """An outbound network call with no finite timeout.

    ## What it does
    Reports calls to `requests` (module functions and `Session` methods), `urllib.request.urlopen`,
    `socket.create_connection`, `smtplib`, `ftplib`, `imaplib`, `poplib` and `http.client` connections made without a
    `timeout` argument (keyword or in its positional place), and calls to `httpx` or `aiohttp` that
    pass `timeout=None`. Names are resolved through imports and aliases (`from requests import get as
    fetch`) and through simple bindings (`session = requests.Session()`; `self.session = requests.Session()` in
    `__init__`, for the class's other methods; `session = _session()`, a function of the module that builds and
    returns a `requests.Session()`). A session is taken as having
    a default timeout when the file mounts a project adapter on it (`session.mount("https://",
    TimeoutAdapter(5))`) or sets its `request`/`send`/`timeout` attribute (`session.request =
    partial(session.request, timeout=5)`); the standard-library clients are not reported when the
    file calls `socket.setdefaulttimeout(...)`.

    ## Why is this bad?
    These libraries wait forever by default. When the other service stops answering, each request
    holds a worker until every worker is stuck and the whole service stops responding: one slow
    dependency becomes an outage.

    ## Known limits
    A call that passes `**kwargs` is not reported, since the timeout may be in there. A session built
    by a subclass or a factory function is not followed (and so not reported); any mounted adapter
    other than the standard `HTTPAdapter` is assumed to set a timeout, and `session.timeout = 5`,
    which requests ignores, is taken as set. `smtplib.SMTP()`/`ftplib.FTP()` built with no host and
    connected later with `.connect(host)` are not reported. `httpx` (5 s) and `aiohttp` (5 min) have
    finite defaults, so they are reported only for an explicit `timeout=None`.
    """

    id = "REL001"
    VALID = (
        """
import requests

def fetch(url):
    return requests.get(url, timeout=5)  # ok: REL001
""",
        """
import httpx

def fetch(url):
    return httpx.get(url)  # ok: REL001
""",
        """
import requests

def fetch(url, **options):
    return requests.post(url, **options)  # ok: REL001
""",
        """
from urllib.request import urlopen

def fetch(url):
    with urlopen(url, timeout=3.0) as response:  # ok: REL001
        return response.read()
""",
        """
import socket
from urllib.request import urlopen

socket.setdefaulttimeout(10)

def fetch(url):
    with urlopen(url) as response:  # ok: REL001
        return response.read()
""",
        """
import smtplib

def mail(host, message):
    with smtplib.SMTP(host, 587, None, 15) as smtp:  # ok: REL001
        smtp.send_message(message)
""",
        """
import requests
from requests.adapters import HTTPAdapter

class TimeoutAdapter(HTTPAdapter):
    def __init__(self, timeout, **kwargs):
        self.timeout = timeout
        super().__init__(**kwargs)

    def send(self, request, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().send(request, **kwargs)

http = requests.Session()
http.mount("https://", TimeoutAdapter(timeout=5))

def fetch(url):
    return http.get(url)  # ok: REL001
""",
        """
import requests

session = requests.Session()

def lookup(app, sku):
    session = app.extensions["catalog_client"]
    return session.get(f"/products/{sku}")  # ok: REL001
""",
    )
    INVALID = (
        # The session is made in `__init__`; the method that posts on it passes no timeout.
        """
import requests

class SupplierClient:
    def __init__(self, base_url, api_key):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {api_key}"

    def stock(self, code):
        return self.session.get(f"{self.base_url}/stock/{code}", timeout=10).json()

    def place_order(self, lines):
        return self.session.post(f"{self.base_url}/orders", json={"lines": lines}).json()  # expect: REL001
""",
        """
import requests

def fetch(url):
    return requests.get(url)  # expect: REL001
""",
        """
from requests import post as send

def notify(url, body):
    send(url, json=body)  # expect: REL001
""",
        """
import requests

session = requests.Session()

def charge(url, payload):
    return session.post(url, json=payload)  # expect: REL001
""",
        """
import httpx

def fetch(url):
    return httpx.get(url, timeout=None)  # expect: REL001
""",
        """
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

api = requests.Session()
api.mount("https://", HTTPAdapter(max_retries=Retry(total=3)))

def fetch(url):
    return api.get(url)  # expect: REL001
""",
        """
import socket
import urllib.request

def probe(host):
    socket.create_connection((host, 443))  # expect: REL001
    return urllib.request.urlopen("https://" + host).read()  # expect: REL001
""",
        # A module function builds the session and hands it back; calls on it still need a timeout.
        """
import requests

def _session() -> requests.Session:
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {API_KEY}"})
    return session

def _timed_session() -> requests.Session:
    session = requests.Session()
    session.mount("https://", TimeoutAdapter(timeout=10))
    return session

def create_label(payload):
    session = _session()
    return session.post(f"{API}/shipments", json=payload).json()  # expect: REL001

def track(number):
    return _session().get(f"{API}/shipments/{number}", timeout=10).json()  # ok: REL001

def rates(payload):
    session = _timed_session()
    return session.post(f"{API}/rates", json=payload).json()  # ok: REL001
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        # Calls with no timeout, judged at the end once the whole file's set-up is known.
        self._pending: list[tuple[cst.Call, str, str | None]] = []
        # Clients given a default timeout where they are built: an adapter mounted, `.request` wrapped.
        self._configured: set[str] = set()
        self._socket_default = False
        # Per function: names bound there to something that is not a call (`session = app.state.http`).
        self._rebound: list[set[str]] = []
        # `session = _session()` then `session.post(...)`: judged at the end, when the module's functions that
        # build and return a `requests.Session()` are known.
        self._through_factory: list[tuple[cst.Call, str, str]] = []
        # Per function: local names bound to a call of a module function (`session = _session()`).
        self._made_by: list[dict[str, str]] = []
        # Outermost functions that give a client a default timeout (mount a project adapter, wrap `.request`).
        self._configuring: set[cst.FunctionDef] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._rebound.append(set())
        self._made_by.append({})

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._rebound.pop()
        self._made_by.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Attribute) and target.target.attr.value in _CLIENT_DEFAULTS:
                self._note_configuring()
            path = attribute_path(target.target)
            if path is None:
                continue
            owner, _, attr = path.rpartition(".")
            if owner and attr in _CLIENT_DEFAULTS:
                self._configured.add(owner)  # `session.request = partial(session.request, timeout=5)`
            if self._made_by and isinstance(target.target, cst.Name):
                value = node.value
                if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
                    self._made_by[-1][target.target.value] = value.func.value
                else:
                    self._made_by[-1].pop(target.target.value, None)
            if self._rebound and isinstance(target.target, cst.Name):
                if isinstance(node.value, cst.Call):
                    self._rebound[-1].discard(path)  # bound to a call: the file-wide bindings follow it
                else:
                    self._rebound[-1].add(path)

    def visit_Call(self, node: cst.Call) -> None:
        name = self.ctx.qualify(node.func)
        if name is None:
            return
        if name == "socket.setdefaulttimeout" and node.args and not is_none(node.args[0].value):
            self._socket_default = True
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "mount" and len(node.args) >= 2:
            adapter = node.args[1].value
            adapter_name = self.ctx.qualify(adapter.func if isinstance(adapter, cst.Call) else adapter)
            if adapter_name not in _STANDARD_ADAPTERS:
                self._note_configuring()
                owner = attribute_path(node.func.value)
                if owner is not None:
                    self._configured.add(owner)  # a project adapter: it usually exists to set the timeout
        timeout = keyword(node, "timeout")
        factory = self._factory_of(node.func)
        if factory is not None and node.func.attr.value in _REQUESTS_VERBS and timeout is None and not has_star_kwargs(
                node):
            self._through_factory.append((node, factory, node.func.attr.value))
        if name in _NO_DEFAULT_TIMEOUT:
            if timeout is None and not has_star_kwargs(node) and not self._positional_timeout(name, node):
                if name in _CONNECT_WITH_HOST and not node.args:
                    return
                if "()" in name and self._receiver_rebound(node.func):
                    return
                self._pending.append((node, name, self._receiver(node.func)))
            elif timeout is not None and is_none(timeout.value):
                self.report(node, f"`{_short(name)}` is called with `timeout=None` and can block forever.",
                            end_node=timeout)
        elif name in _FINITE_DEFAULT and timeout is not None and is_none(timeout.value):
            # The finding spans the call up to its `timeout=None`, the line to change.
            self.report(node, f"`{_short(name)}` is called with `timeout=None`, which removes the library's "
                              "default limit: the call can block forever.", end_node=timeout)

    def leave_Module(self, original_node: cst.Module) -> None:
        factories = self._session_factories(original_node) if self._through_factory else set()
        # (The factory's own set-up was judged above: a mount elsewhere on a name like its receiver is not this one.)
        self._pending += [(node, f"requests.Session().{verb}", None)
                          for node, factory, verb in self._through_factory if factory in factories]
        for node, name, receiver in self._pending:
            if name in _SOCKET_DEFAULT and self._socket_default:
                continue  # `socket.setdefaulttimeout(...)` in this file gives these a finite timeout
            if receiver is not None and receiver in self._configured:
                continue
            self.report(node, f"`{_short(name)}` has no timeout: if the other side stops answering, "
                              "this call blocks the worker forever.")

    def _note_configuring(self) -> None:
        if self.ctx.function_stack:
            self._configuring.add(self.ctx.function_stack[0])

    def _factory_of(self, func: cst.BaseExpression) -> str | None:
        """`_session().post` or `session.post` after `session = _session()`: the module function called."""
        if not isinstance(func, cst.Attribute):
            return None
        made = func.value
        if isinstance(made, cst.Call) and isinstance(made.func, cst.Name):
            return made.func.value
        if isinstance(made, cst.Name) and self._made_by:
            return self._made_by[-1].get(made.value)
        return None

    def _session_factories(self, module: cst.Module) -> set[str]:
        """Module functions that build a `requests.Session()` and return it (`def _session(): session =
        requests.Session(); session.headers.update(...); return session`), with no default timeout given to it (no
        project adapter mounted, no `.request` wrapped)."""
        found = set()
        for fn in module.body:
            if not isinstance(fn, cst.FunctionDef):
                continue
            made = {target.target.value for assign in findall(fn.body, cst.Assign) for target in assign.targets
                    if isinstance(target.target, cst.Name) and isinstance(assign.value, cst.Call)
                    and self.ctx.qualify(assign.value.func) in _SESSION_CLASSES}
            if fn not in self._configuring and any(returned.value is not None and (
                    (isinstance(returned.value, cst.Call) and self.ctx.qualify(returned.value.func) in _SESSION_CLASSES)
                    or (isinstance(returned.value, cst.Name) and returned.value.value in made))
                   for returned in findall(fn.body, cst.Return)):
                found.add(fn.name.value)
        return found

    @staticmethod
    def _receiver(func: cst.BaseExpression) -> str | None:
        return attribute_path(func.value) if isinstance(func, cst.Attribute) else None

    def _receiver_rebound(self, func: cst.BaseExpression) -> bool:
        """`session.get` where this function bound `session` to something else than the file-wide client."""
        if not self._rebound or not isinstance(func, cst.Attribute):
            return False
        receiver = attribute_path(func.value)
        return receiver is not None and any(receiver in names for names in self._rebound)

    @staticmethod
    def _positional_timeout(name: str, node: cst.Call) -> bool:
        # urlopen(url, data, timeout), create_connection(address, timeout), SMTP(host, port, local_hostname,
        # timeout), HTTPConnection(host, port, timeout), FTP(host, user, passwd, acct, timeout).
        position = _TIMEOUT_POSITION.get(name)
        positional = [a for a in node.args if a.keyword is None and a.star == ""]
        return position is not None and len(positional) > position


# Attributes whose assignment gives a client its defaults: a wrapped `request` method, a `timeout` attribute.
_CLIENT_DEFAULTS = frozenset({"request", "timeout", "send"})


def _short(name: str) -> str:
    return name.replace("().", ".")
