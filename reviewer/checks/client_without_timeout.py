"""REL001: a database or cache client created with no finite timeout where the library waits forever."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import PythonCheck, findall, has_star_kwargs, is_none, keyword

# psycopg2 (libpq) waits indefinitely to connect unless `connect_timeout` is set. psycopg 3 applies
# its own 130 s default and PyMySQL 10 s, so they are not listed.
_POSTGRES_CONNECT = frozenset({"psycopg2.connect"})
# Pools take the DSN as their third positional argument and pass keywords on to `connect`.
_POSTGRES_POOLS = frozenset({
    "psycopg2.pool.SimpleConnectionPool", "psycopg2.pool.ThreadedConnectionPool",
    "psycopg2.pool.PersistentConnectionPool",
})
# redis-py reads replies with `socket_timeout=None`: a stalled server blocks the caller forever.
_REDIS_CLIENTS = frozenset({
    "redis.Redis", "redis.StrictRedis", "redis.client.Redis", "redis.client.StrictRedis",
    "redis.asyncio.Redis", "redis.asyncio.StrictRedis", "redis.asyncio.client.Redis",
    "redis.ConnectionPool", "redis.BlockingConnectionPool", "redis.asyncio.ConnectionPool",
    "redis.asyncio.BlockingConnectionPool",
})
_REDIS_FROM_URL = frozenset({
    "redis.from_url", "redis.Redis.from_url", "redis.StrictRedis.from_url", "redis.asyncio.from_url",
    "redis.asyncio.Redis.from_url", "redis.ConnectionPool.from_url", "redis.asyncio.ConnectionPool.from_url",
})
_AIOHTTP_TIMEOUT = frozenset({"aiohttp.ClientTimeout", "aiohttp.client.ClientTimeout"})
_AIOHTTP_BOUNDS = ("total", "connect", "sock_read", "sock_connect")


class ClientWithoutTimeout(PythonCheck):
    """A psycopg2 connection, Redis client or aiohttp timeout that lets calls wait forever.

    ## What it does
    Reports `psycopg2.connect(...)` and psycopg2 connection pools created without `connect_timeout`
    (as a keyword or inside a DSN string written in the file), `redis.Redis(...)`/`StrictRedis`/
    `ConnectionPool` (sync and `redis.asyncio`) created without `socket_timeout` (the URL's
    `?socket_timeout=` counts for `from_url`), and `aiohttp.ClientTimeout(...)` whose every bound
    (`total`, `connect`, `sock_read`, `sock_connect`) is `None`. A DSN held in a module-level string
    constant is read too. A DSN or URL that comes from outside the file (the environment, settings,
    a parameter) may carry the timeout itself and is not reported; connection keywords written in
    the file (`host=...`) or a literal DSN are.

    ## Why is this bad?
    These clients wait forever by default. A database that accepts the TCP connection but never
    answers, or a Redis server stalled by a long command or a network partition, holds every worker
    that touches it, and the service stops answering even though only one dependency is slow.

    ## Known limits
    Only the libraries above are covered; `requests`, `urllib`, `smtplib`, `ftplib` and `socket`
    calls are NetworkCallWithoutTimeout's. psycopg 3 (130 s), PyMySQL (10 s), asyncpg (60 s) and
    boto3 (60 s) have finite defaults and are not reported. A DSN or URL read at run time (from the
    environment) is assumed to carry a timeout, so a deployment whose URL has none is missed; a
    literal DSN with no timeout is reported even when `PGCONNECT_TIMEOUT` is set in the environment. Calls passing `**kwargs` are not reported. A Redis client built on an explicit
    `connection_pool=` is judged at the pool.
    """

    id = "REL001"
    VALID = (
        """
import os
import psycopg2

def get_connection():
    return psycopg2.connect(os.environ["DATABASE_URL"], connect_timeout=5)  # ok: REL001
""",
        """
import psycopg2

DSN = "host=db dbname=shop user=shop connect_timeout=3"

def get_connection():
    return psycopg2.connect(DSN)  # ok: REL001
""",
        """
import redis
import pymysql

cache = redis.Redis(host="cache", port=6379, socket_timeout=2, socket_connect_timeout=1)  # ok: REL001
queue = redis.from_url("redis://queue:6379/0?socket_timeout=5")  # ok: REL001
db = pymysql.connect(host="mysql", user="app", database="shop")  # ok: REL001

def make_client(**options):
    return redis.Redis(**options)  # ok: REL001
""",
        """
import os
import psycopg2
import redis

DSN = os.environ.get("ORDERS_DSN", "dbname=orders host=localhost")
events = redis.Redis.from_url(os.environ["EVENTS_REDIS_URL"])  # ok: REL001

def get_connection():
    return psycopg2.connect(DSN)  # ok: REL001

def connect_to(dsn):
    return psycopg2.connect(dsn, application_name="reports")  # ok: REL001
""",
        """
import aiohttp

async def stream_export(url):
    timeout = aiohttp.ClientTimeout(total=None, sock_read=30)  # ok: REL001
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.get(url) as response:
            async for chunk in response.content.iter_chunked(65536):
                yield chunk
""",
    )
    INVALID = (
        """
import os
import psycopg2

def get_connection():
    return psycopg2.connect("host=db dbname=shop user=shop")  # expect: REL001

def get_reporting_connection():
    return psycopg2.connect(host="replica", dbname="shop", user="report")  # expect: REL001
""",
        """
from redis import Redis
from redis import asyncio as aioredis

sessions = Redis(host="redis", port=6379, db=0)  # expect: REL001
rate_limits = aioredis.from_url("redis://redis:6379/1")  # expect: REL001
""",
        """
import aiohttp

async def fetch_report(url):
    timeout = aiohttp.ClientTimeout(total=None)  # expect: REL001
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.get(url) as response:
            return await response.json()
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._string_constants: dict[str, cst.BaseExpression] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        # Module-level string constants, so `psycopg2.connect(DSN)` can see the DSN's text.
        if self.ctx.function_stack or self.ctx.class_stack:
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name) and isinstance(
                    node.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
                self._string_constants[target.target.value] = node.value

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.is_test:
            return
        name = self.ctx.qualify(node.func)
        if name is None or has_star_kwargs(node):
            return
        if name in _POSTGRES_CONNECT or name in _POSTGRES_POOLS:
            dsn = keyword(node, "dsn")
            if dsn is None:
                dsn = _positional(node, 2 if name in _POSTGRES_POOLS else 0)
            if keyword(node, "connect_timeout") is not None or self._opaque(dsn):
                return
            if not self._text_mentions(dsn, "connect_timeout"):
                self.report(node, f"`{name}` has no `connect_timeout`: libpq waits forever for a database that "
                                  "does not answer, holding the worker with it.")
        elif name in _REDIS_CLIENTS or name in _REDIS_FROM_URL:
            if keyword(node, "socket_timeout") is not None or keyword(node, "connection_pool") is not None:
                return
            if name in _REDIS_FROM_URL:
                url = keyword(node, "url") or _positional(node, 0)
                if self._opaque(url) or self._text_mentions(url, "socket_timeout"):
                    return
            self.report(node, f"`{name}` has no `socket_timeout`: redis-py waits forever for a reply, so a "
                              "stalled Redis blocks every worker that touches it.")
        elif name in _AIOHTTP_TIMEOUT:
            given = [arg.value for arg in node.args if arg.keyword is None or arg.keyword.value in _AIOHTTP_BOUNDS]
            if all(is_none(value) for value in given):
                self.report(node, "`aiohttp.ClientTimeout` sets no bound at all: requests using it can wait "
                                  "forever.")

    def _opaque(self, arg: cst.Arg | None) -> bool:
        """A DSN or URL whose text is not in the file (the environment, settings, a parameter): it may carry
        the timeout itself (`?connect_timeout=5`, `?socket_timeout=2`), so nothing can be said."""
        if arg is None:
            return False
        value = arg.value
        if isinstance(value, cst.Name) and value.value in self._string_constants:
            return False
        return not isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))

    def _text_mentions(self, arg: cst.Arg | None, word: str) -> bool:
        """Whether the DSN or URL argument, as written or through a module constant, contains `word`."""
        if arg is None:
            return False
        value = arg.value
        if isinstance(value, cst.Name) and value.value in self._string_constants:
            value = self._string_constants[value.value]
        return any(word in part.value for part in findall(value, (cst.SimpleString, cst.FormattedStringText)))


def _positional(node: cst.Call, index: int) -> cst.Arg | None:
    positional = [arg for arg in node.args if arg.keyword is None and arg.star == ""]
    return positional[index] if len(positional) > index else None
