"""REL001: an outbound network call that can wait forever."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from reviewer.checks._base import NONE, PythonCheck, has_star_kwargs, keyword

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
       "http.client.HTTPConnection", "http.client.HTTPSConnection", "telnetlib.Telnet"]
)
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
    `socket.create_connection`, `smtplib`, `ftplib` and `http.client` connections made without a
    `timeout` argument, and calls to `httpx` or `aiohttp` that pass `timeout=None`. Names are resolved
    through imports and aliases (`from requests import get as fetch`) and through simple bindings
    (`session = requests.Session()`).

    ## Why is this bad?
    These libraries wait forever by default. When the other service stops answering, each request
    holds a worker until every worker is stuck and the whole service stops responding: one slow
    dependency becomes an outage.

    ## Known limits
    A call that passes `**kwargs` is not reported, since the timeout may be in there. A session
    whose default timeout is set by a subclass or adapter is not followed. `httpx` (5 s) and `aiohttp`
    (5 min) have finite defaults, so they are reported only for an explicit `timeout=None`.
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
    )
    INVALID = (
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
import socket
import urllib.request

def probe(host):
    socket.create_connection((host, 443))  # expect: REL001
    return urllib.request.urlopen("https://" + host).read()  # expect: REL001
""",
    )

    def visit_Call(self, node: cst.Call) -> None:
        name = self.ctx.qualify(node.func)
        if name is None:
            return
        timeout = keyword(node, "timeout")
        if name in _NO_DEFAULT_TIMEOUT:
            if timeout is None and not has_star_kwargs(node) and not self._positional_timeout(name, node):
                self.report(node, f"`{_short(name)}` has no timeout: if the other side stops answering, "
                                  "this call blocks the worker forever.")
            elif timeout is not None and m.matches(timeout.value, NONE):
                self.report(node, f"`{_short(name)}` is called with `timeout=None` and can block forever.")
        elif name in _FINITE_DEFAULT and timeout is not None and m.matches(timeout.value, NONE):
            self.report(node, f"`{_short(name)}` is called with `timeout=None`, which removes the library's "
                              "default limit: the call can block forever.")

    @staticmethod
    def _positional_timeout(name: str, node: cst.Call) -> bool:
        # urlopen(url, data, timeout) and create_connection(address, timeout) take it positionally.
        positional = [a for a in node.args if a.keyword is None and a.star == ""]
        if name in ("urllib.request.urlopen", "urllib2.urlopen"):
            return len(positional) >= 3
        if name == "socket.create_connection":
            return len(positional) >= 2
        return False


def _short(name: str) -> str:
    return name.replace("().", ".")
