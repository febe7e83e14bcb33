"""CON001: a blocking call made directly inside an `async def`, stalling the event loop."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from reviewer.checks._base import FileContext, PythonCheck, attribute_path
from reviewer.checks._data import tokens
from reviewer.checks._neighbours import imported_blocking
from reviewer.checks._runtime import param_names, short_name, write_mode

_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "send")
# Sync database drivers: their `connect` and their connections' and cursors' I/O methods block.
SYNC_DB_CONNECT = frozenset({
    "sqlite3.connect", "psycopg2.connect", "psycopg.connect", "psycopg.Connection.connect", "pymysql.connect",
    "MySQLdb.connect", "mysql.connector.connect", "pymssql.connect", "cx_Oracle.connect", "oracledb.connect",
})
_DB_IO_METHODS = frozenset({"execute", "executemany", "executescript", "commit"})
_REDIS_COMMANDS = ("get", "set", "setex", "setnx", "mget", "mset", "getdel", "hget", "hset", "hgetall", "hmget",
                   "hincrby", "hdel", "incr", "incrby", "decr", "delete", "exists", "expire", "ttl", "lpush", "rpush",
                   "lpop", "rpop", "lrange", "blpop", "brpop", "sadd", "srem", "smembers", "sismember", "zadd",
                   "zrange", "zrangebyscore", "zrem", "publish", "xadd", "xread", "eval", "ping", "scan_iter", "keys")
_BLOCKING = frozenset(
    ["time.sleep", "os.system", "socket.create_connection", "urllib.request.urlopen", "urllib2.urlopen",
     "feedparser.parse",  # fetches the feed when given a URL
     # Password key derivation holds the CPU for a tenth of a second by design.
     "hashlib.pbkdf2_hmac", "hashlib.scrypt", "bcrypt.hashpw", "bcrypt.checkpw", "bcrypt.kdf",
     "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
     "subprocess.Popen().communicate", "subprocess.Popen().wait"]
    + [f"requests.{verb}" for verb in _HTTP_VERBS]
    + [f"requests.api.{verb}" for verb in _HTTP_VERBS]
    + [f"requests.Session().{verb}" for verb in _HTTP_VERBS]
    + [f"requests.session().{verb}" for verb in _HTTP_VERBS]
    + [f"httpx.{verb}" for verb in _HTTP_VERBS if verb != "send"]
    + [f"httpx.Client().{verb}" for verb in _HTTP_VERBS]
    + [f"pathlib.Path().{method}" for method in ("read_text", "read_bytes", "write_text", "write_bytes")]
    + [f"smtplib.SMTP().{method}" for method in ("sendmail", "send_message", "login", "starttls")]
    + [f"smtplib.SMTP_SSL().{method}" for method in ("sendmail", "send_message", "login")]
    + list(SYNC_DB_CONNECT)
    # The synchronous Redis client waits on its socket (`redis.asyncio` is the one for coroutines).
    + [f"redis.{client}().{command}" for client in ("Redis", "StrictRedis", "Redis.from_url", "StrictRedis.from_url",
                                                    "from_url")
       for command in _REDIS_COMMANDS]
)
# Methods of boto3 clients and resources that work locally, without a request to AWS.
_BOTO3_LOCAL = frozenset({"generate_presigned_url", "generate_presigned_post", "get_paginator", "get_waiter",
                          "can_paginate", "Bucket", "Object", "Table", "Queue", "Topic", "ObjectSummary"})
# Constructors that connect only when given a host.
_BLOCKING_WITH_ARGS = frozenset({"smtplib.SMTP", "smtplib.SMTP_SSL", "ftplib.FTP", "ftplib.FTP_TLS"})
_OPENERS = frozenset({"open", "io.open", "codecs.open"})
_FILE_IO_METHODS = frozenset({"read", "readline", "readlines", "write", "writelines"})
# Functions that read or write a file object they are given.
_FILE_USERS = frozenset({
    "json.load", "json.dump", "pickle.load", "pickle.dump", "csv.reader", "csv.writer", "csv.DictReader",
    "csv.DictWriter", "yaml.safe_load", "yaml.load", "yaml.dump", "yaml.safe_dump", "tomllib.load",
    "shutil.copyfileobj",
})


# Coroutines that run once per process, before requests are served or after: blocking there stalls nobody.
_ONCE_NAMES = frozenset({"lifespan", "startup", "on_startup", "shutdown", "on_shutdown", "on_cleanup"})
_ONCE_EVENTS = frozenset({"startup", "shutdown"})
_ONCE_DECORATORS = frozenset({"on_startup", "on_shutdown", "before_serving", "after_serving", "before_server_start",
                              "after_server_start", "before_server_stop", "after_server_stop"})
_HOOK_LISTS = frozenset({"on_startup", "on_shutdown", "on_cleanup"})
_HOOK_KEYWORDS = frozenset({"lifespan", "on_startup", "on_shutdown"})


# Helpers that hand out a sync database handle in a `with` block: `db_cursor()`, `get_conn()`, `connection()`.
_DB_HANDLE_FACTORY = re.compile(r"_?(get_|open_)?(db_|pg_|sql_)?(cursor|conn|connection|db_connection|db)", re.I)
# `with SessionLocal() as db:` (a plain `with`: an AsyncSession is entered with `async with`): a sync ORM session.
_SESSION_FACTORY = re.compile(r"_?(\w*Session(Local)?|session_scope|get_session|db_session|session_factory)",
                              re.I)
# Methods that check a connection out of a pool or engine: `pool.connection()`, `engine.begin()`.
_POOL_CHECKOUTS = frozenset({"connection", "connect", "getconn", "begin"})
_SESSION_IO_METHODS = frozenset({"get", "execute", "scalars", "scalar", "query", "exec", "commit", "flush", "refresh"})
_SYNC_SESSION_TYPES = frozenset({"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session", "sqlmodel.Session",
                                 "sqlmodel.orm.session.Session"})
# S3 object calls (boto3, MinIO): distinctive names; on a sync client, each one is a request to the store.
_S3_METHODS = frozenset({"put_object", "get_object", "upload_file", "upload_fileobj", "download_file",
                         "download_fileobj", "copy_object", "delete_object", "head_object", "list_objects_v2"})


_SCHEDULERS = frozenset({"asyncio.gather", "asyncio.create_task", "asyncio.ensure_future", "asyncio.wait_for",
                         "asyncio.shield", "asyncio.wait", "asyncio.as_completed"})
# Query methods that async drivers and sessions only offer as coroutines.
_UNAWAITED_DB_IO = frozenset({"execute", "executemany", "fetch_all", "fetch_one", "fetch_val", "fetchall", "fetchone",
                              "fetchrow", "fetchval", "scalars", "ping"})
_DATABASE_WORDS = frozenset({"db", "database", "conn", "connection", "cursor", "cur", "pool", "pg", "sqlite"})


def _named_for_database(receiver: cst.BaseExpression) -> bool:
    """`db`, `request.app.state.db`, `self.conn`: a receiver whose last name says it is a database handle."""
    path = attribute_path(receiver)
    return path is not None and bool(tokens(path.rsplit(".", 1)[-1]) & _DATABASE_WORDS)


def _is_s3_request(call: cst.Call) -> bool:
    """`s3().put_object(...)`, `s3_client.upload_fileobj(...)`: an S3 object call on a client named for S3."""
    if not isinstance(call.func, cst.Attribute) or call.func.attr.value not in _S3_METHODS:
        return False
    root = call.func.value
    while isinstance(root, (cst.Call, cst.Attribute)):
        root = root.func if isinstance(root, cst.Call) else root.value
    text = root.value if isinstance(root, cst.Name) else ""
    return "s3" in text.lower() or "minio" in text.lower()


def _is_boto3_request(name: str) -> bool:
    """`boto3.client().put_object`, `boto3.resource().Bucket().upload_file`: boto3 is synchronous, every
    call that reaches AWS blocks (aioboto3 is the async one)."""
    if not name.startswith("boto3.") or not ("client()." in name or "resource()." in name):
        return False
    return name.rsplit(".", 1)[-1] not in _BOTO3_LOCAL


# The Stripe library's request methods: synchronous (its `*_async` twins are the ones to await).
_STRIPE_REQUESTS = frozenset({"create", "retrieve", "modify", "confirm", "capture", "cancel", "list", "delete",
                              "refund", "pay", "finalize_invoice", "search"})


def _is_stripe_request(name: str) -> bool:
    """`stripe.PaymentIntent.create`, `stripe.Refund.create`: each one is an HTTP request to Stripe."""
    parts = name.split(".")
    return len(parts) == 3 and parts[0] == "stripe" and parts[1][:1].isupper() and parts[2] in _STRIPE_REQUESTS


def _is_once_decorator(expr: cst.BaseExpression) -> bool:
    """`@app.on_event("startup")`, `@app.before_serving`, `@app.listener("before_server_start")`."""
    target = expr.func if isinstance(expr, cst.Call) else expr
    name = target.attr.value if isinstance(target, cst.Attribute) else getattr(target, "value", None)
    if name in ("on_event", "listener") and isinstance(expr, cst.Call) and expr.args:
        event = expr.args[0].value
        return isinstance(event, cst.SimpleString) and (
            str(event.evaluated_value) in _ONCE_EVENTS or str(event.evaluated_value) in _ONCE_DECORATORS)
    return name in _ONCE_DECORATORS


def _instant(name: str | None, call: cst.Call) -> bool:
    """`time.sleep(0)` (a bare yield of the thread) and `sqlite3.connect(":memory:")` (no file): nothing waits."""
    first = call.args[0].value if call.args and call.args[0].keyword is None else None
    if name == "time.sleep":
        return isinstance(first, (cst.Integer, cst.Float)) and float(first.evaluated_value) == 0
    if name == "sqlite3.connect":
        return isinstance(first, cst.SimpleString) and first.evaluated_value == ":memory:"
    return False


def _names(args) -> list[str]:
    return [arg.value.value for arg in args if isinstance(arg.value, cst.Name)]


class BlockingCallInAsync(PythonCheck):
    """A blocking call (sleep, sync HTTP, sync database driver, subprocess, file I/O) inside `async def`.

    ## What it does
    Reports, directly inside an `async def` (not in a nested `def` or `lambda`), calls that block the
    thread: `time.sleep`, `requests` (module functions and `Session` methods), sync `httpx`,
    `urllib.request.urlopen`, `socket.create_connection`, `smtplib`, `subprocess.run`/`call`/
    `check_call`/`check_output`, `os.system`, the synchronous Redis client (`redis.Redis(...)`,
    `redis.Redis.from_url(...)`: `get`, `set`, `hset`, ...; not `redis.asyncio`), sync database drivers
    (`sqlite3`, `psycopg2`, `pymysql`,
    ...: their `connect`, and `execute`/`commit` on a connection or cursor bound from one), boto3
    client and resource calls that reach AWS (`s3.put_object`; not `generate_presigned_url`), S3 object
    calls (`put_object`, `upload_fileobj`, ...) on a client named for S3 wherever it is built (`s3().put_object`),
    Stripe requests (`stripe.PaymentIntent.create`: the library is synchronous), queries on a connection
    checked out of a pool or engine with a plain `with` (`with pool.connection() as conn:`, the finding
    spanning from the checkout), queries on a handle from a plain `with` on a helper named for a cursor or connection
    (`with db_cursor() as cur: cur.execute(...)`, the helper imported from anywhere) or on a sync ORM
    session (`with SessionLocal() as db:`, `with ReportingSession() as rs:`, or a parameter typed
    `sqlalchemy.orm.Session`), a query method of async drivers called without `await` on a handle the function
    was given and named for a database (`db.fetch_all(...)`, `request.app.state.db.ping()`: an async driver's
    query is a coroutine, so one that is not awaited runs to completion right there), and file
    I/O: `open(...)` whose file is read or written (reported at the `open`) and
    `Path(...).read_text()`/`write_bytes()`. A call that is awaited is never reported. A call from a
    coroutine to a module-level sync function of the same file that makes a network, database,
    sleep or subprocess call or writes a file (directly or through other such functions) is reported at
    the call, and so is a call to a sync function of a project module the file imports (`from .mailer import
    send_email`, `from app.clients import weather` then `weather.outdoor(...)`) whose text makes such a call:
    `requests`/`httpx` requests (also through a module-level `requests.Session()`/`httpx.Client()`),
    `smtplib.SMTP`, `urlopen`, `time.sleep`, `subprocess`, a sync driver's `connect`, `feedparser.parse`,
    password key derivation (`hashlib.pbkdf2_hmac`, `bcrypt.hashpw`), or, in a module that imports boto3, an S3
    or SES call (`put_object`, `upload_fileobj`, `send_email`, ...), directly or through another function of
    that module.
    Coroutines that run once per process, before requests are served or after (start-up and shutdown
    hooks: `@app.on_event("startup")`, `app.on_startup.append(f)`, `lifespan=f`, a coroutine named
    `lifespan`/`startup`/`shutdown`), are not judged, and neither is file I/O in a script's entry point
    run by `asyncio.run(main())`. `time.sleep(0)` and `sqlite3.connect(":memory:")` wait for nothing and
    are not reported. A client name rebound in the coroutine to something that is not a
    call (`session = request.app.state.http`) no longer means the file-wide client. A sync database
    connection is reported once per coroutine: at its `connect` when it is opened there (its
    `execute`/`commit` calls are the same problem and are not reported again), otherwise at the first
    statement run on it; a sync helper given that connection is part of the same finding. A file opened by
    `with open(...) as fh:` is reported at the `open`, spanning the block whose reads and writes block too.

    ## Why is this bad?
    An event loop runs every request of the worker on one thread. A call that blocks for 200 ms stops
    all of them for 200 ms: latency climbs for everybody, health checks time out and the worker is
    restarted, though CPU use looks low.

    ## Known limits
    Names are resolved through imports and simple bindings in the file. Helpers are followed when called by
    name and defined at module level in the same file, or imported from a project module found beside the file
    or above it (read as text: a call the patterns above do not name, a method, or a function re-exported
    through another package is not followed); a helper that only reads files does not count (usually a
    one-off config load). A blocking helper
    called several times in one coroutine is reported at its first call: making it async fixes all. Work offloaded
    with `run_in_executor`/`asyncio.to_thread` or wrapped in a `lambda` is not reported. Methods of
    raw `socket.socket` objects are not reported, since async code sets them non-blocking. A start-up
    hook is recognised by its decorator, registration or name in this file only; a blocking call in
    an entry point other than file I/O (`time.sleep` in `main()` while tasks run) is still reported.
    A connection passed in as a parameter or kept on an object (`request.app.state.db`) is not
    recognised, so the queries run on it are not reported.
    """

    id = "CON001"
    VALID = (
        # The `databases` library: every query is awaited, or gathered.
        """
import asyncio

@router.get("/map")
async def stall_map(market_id: int, db=Depends(get_db)):
    stalls = await db.fetch_all("SELECT id, code FROM stalls WHERE market_id = $1", market_id)  # ok: CON001
    await db.execute("UPDATE markets SET views = views + 1 WHERE id = $1", market_id)  # ok: CON001
    free, taken = await asyncio.gather(db.fetch_val(FREE_SQL, market_id), db.fetch_val(TAKEN_SQL, market_id))  # ok: CON001
    return {"stalls": stalls}
""",
        """
from fastapi import APIRouter
from .models import Auction, AsyncSessionLocal

router = APIRouter()

@router.get("/auctions/{auction_id}")
async def auction_view(auction_id: int):
    async with AsyncSessionLocal() as db:
        auction = await db.get(Auction, auction_id)  # ok: CON001
    return {"price": auction.price}
""",
        """
from fastapi import FastAPI
from .clients import db_cursor, s3

app = FastAPI()

@app.post("/videos")
async def upload(video_id: str, data: bytes):
    await s3().put_object(Bucket="media", Key=video_id, Body=data)  # ok: CON001
    async with db_cursor() as cur:
        await cur.execute("INSERT INTO videos (id) VALUES (%s)", (video_id,))  # ok: CON001
    return {"id": video_id}
""",
        """
import asyncio
import requests

async def poll(url):
    loop = asyncio.get_running_loop()
    while True:
        response = await loop.run_in_executor(None, requests.get, url)  # ok: CON001
        if response.ok:
            return response.json()
        await asyncio.sleep(5)  # ok: CON001
""",
        """
import asyncio
import time
import aiofiles
import httpx

async def export(report_id, path):
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"https://reports.internal/{report_id}")  # ok: CON001
    async with aiofiles.open(path, "wb") as out:  # ok: CON001
        await out.write(response.content)
    await asyncio.to_thread(time.sleep, 0.1)  # ok: CON001
""",
        """
import asyncio
import sqlite3

def _count_rows(path):
    conn = sqlite3.connect(path)  # ok: CON001
    try:
        return conn.execute("select count(*) from events").fetchone()[0]  # ok: CON001
    finally:
        conn.close()

async def count_rows(path):
    return await asyncio.to_thread(_count_rows, path)
""",
        """
import asyncio
import subprocess

async def render(path):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, lambda: subprocess.run(["pandoc", path], check=True))  # ok: CON001
""",
        """
import json
import sqlite3
import requests
from contextlib import asynccontextmanager
from fastapi import FastAPI

@asynccontextmanager
async def lifespan(app):
    app.state.rules = json.load(open("rules.json"))  # ok: CON001
    app.state.db = sqlite3.connect("cache.db")  # ok: CON001
    yield
    app.state.db.close()

app = FastAPI(lifespan=lifespan)

@app.on_event("startup")
async def warm_up():
    requests.get("http://localhost:9000/warm", timeout=5)  # ok: CON001
""",
        """
import asyncio
import sqlite3
import time
import httpx
import requests

session = requests.Session()

async def main(path):
    with open(path) as f:  # ok: CON001
        urls = f.read().split()
    async with httpx.AsyncClient(timeout=10) as session:
        await asyncio.gather(*(session.get(u) for u in urls))

async def scratch():
    time.sleep(0)  # ok: CON001
    db = sqlite3.connect(":memory:")  # ok: CON001
    db.execute("create table t (x int)")  # ok: CON001

async def fetch(request, url):
    session = request.app["http"]
    pending = session.get(url)  # ok: CON001
    return await pending

asyncio.run(main("urls.txt"))
""",
    )
    INVALID = (
        # The synchronous Redis client, reached through a helper, from a coroutine.
        """
import redis

_redis = redis.Redis.from_url(REDIS_URL, socket_timeout=2)

def _load_window(room_id):
    return _redis.get(f"agg:window:{room_id}")

async def aggregate_room(room):
    window = _load_window(room.id)  # expect: CON001
    return window
""",
        # No `await`: an async driver's query would be a coroutine, so this `db` is a sync one.
        """
from fastapi import Depends

@router.get("/healthz")
async def healthz(request):
    if not request.app.state.db.ping():  # expect: CON001
        return {"status": "degraded"}
    return {"status": "ok"}

def _stall_map(db, market_id):
    return db.fetch_all("SELECT id, code FROM stalls WHERE market_id = %s", (market_id,))

@router.get("/map")
async def stall_map(market_id: int, db=Depends(get_db)):
    stalls = _stall_map(db, market_id)  # expect: CON001
    return {"stalls": stalls}
""",
        # A session factory named for what it is for is still a sync session when entered with a plain `with`.
        """
@router.get("/daily")
async def daily(day):
    with ReportingSession() as rs:
        rows = rs.execute(text("SELECT kind, count(*) FROM passes WHERE day = :d GROUP BY kind"), {"d": day})  # expect: CON001
    return dict(rows.all())
""",
        """
import hashlib
from fastapi import FastAPI

app = FastAPI()

def hash_pin(pin, salt):
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, 600_000)

@app.post("/login")
async def login(pin: str, salt: bytes, expected: bytes):
    return {"ok": hash_pin(pin, salt) == expected}  # expect: CON001
""",
        """
from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import get_session
from .models import Tab

app = FastAPI()

def _bill(session: Session, tab_id: int):
    return session.scalars(select(Tab).where(Tab.id == tab_id)).one()

@app.get("/tabs/{tab_id}/bill")
async def bill(tab_id: int, session: Session = Depends(get_session)):
    return _bill(session, tab_id)  # expect: CON001

@app.post("/tabs/{tab_id}/close")
async def close(tab_id: int, session: Session = Depends(get_session)):
    session.get(Tab, tab_id).closed = True  # expect: CON001
    session.commit()
""",
        """
from fastapi import APIRouter
from .models import Auction, SessionLocal

router = APIRouter()

def _snapshot(auction_id):
    with SessionLocal() as db:
        auction = db.get(Auction, auction_id)
        return {"price": auction.price}

@router.get("/auctions/{auction_id}")
async def auction_view(auction_id: int):
    return _snapshot(auction_id)  # expect: CON001
""",
        """
from fastapi import FastAPI
from .clients import db_cursor, s3

app = FastAPI()

def _register(video_id):
    with db_cursor() as cur:
        cur.execute("INSERT INTO videos (id) VALUES (%s)", (video_id,))

@app.post("/videos")
async def upload(video_id: str, data: bytes):
    s3().put_object(Bucket="media", Key=video_id, Body=data)  # expect: CON001
    _register(video_id)  # expect: CON001
    return {"id": video_id}
""",
        """
import csv
from fastapi import FastAPI

app = FastAPI()

def _write_report(path, rows):
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)

@app.get("/reports/{month}")
async def export(month: str):
    rows = await load_rows(month)
    _write_report(f"/exports/{month}.csv", rows)  # expect: CON001
    return {"path": f"/exports/{month}.csv"}
""",
        """
import boto3
from fastapi import FastAPI

app = FastAPI()
s3 = boto3.client("s3")

@app.post("/exports")
async def export(body: bytes):
    s3.put_object(Bucket="exports", Key="latest.csv", Body=body)  # expect: CON001
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "exports", "Key": "latest.csv"})
    return {"url": url}
""",
        """
import time
import requests
from fastapi import FastAPI

app = FastAPI()

@app.get("/weather/{city}")
async def weather(city: str):
    response = requests.get(f"https://api.weather.example/{city}", timeout=5)  # expect: CON001
    time.sleep(0.5)  # expect: CON001
    return response.json()
""",
        """
import json
import sqlite3
from fastapi import FastAPI

app = FastAPI()

@app.get("/orders/{order_id}")
async def get_order(order_id: int):
    conn = sqlite3.connect("orders.db")  # expect: CON001
    cur = conn.cursor()
    cur.execute("select body from orders where id = ?", (order_id,))  # ok: CON001
    with open("config/discounts.json") as f:  # expect: CON001
        discounts = json.load(f)
    return {"order": cur.fetchone(), "discounts": discounts}
""",
        """
import subprocess
from aiohttp import web

async def convert(request):
    data = await request.read()
    subprocess.run(["convert", "-", "out.png"], input=data, check=True)  # expect: CON001
    return web.Response(body=open("out.png", "rb").read())  # expect: CON001
""",
        """
import requests
from fastapi import FastAPI

app = FastAPI()

def reverse_geocode(lat: float, lon: float) -> str:
    resp = requests.get("https://geo.example/reverse", params={"lat": lat, "lon": lon}, timeout=3)
    return resp.json()["name"]

@app.get("/vehicles/{vehicle_id}")
async def vehicle(vehicle_id: str):
    position = await positions.latest(vehicle_id)
    return {"address": reverse_geocode(position.lat, position.lon)}  # expect: CON001
""",
        """
import psycopg2
import sqlite3
from fastapi import FastAPI

app = FastAPI()
ledger = sqlite3.connect("ledger.db")

@app.post("/shelves/{shelf_id}/count")
async def recount(shelf_id: int, counted: int):
    with psycopg2.connect(DSN) as conn:  # expect: CON001
        with conn.cursor() as cur:
            cur.execute("select quantity from shelves where id = %s", (shelf_id,))  # ok: CON001
            cur.execute("update shelves set quantity = %s where id = %s", (counted, shelf_id))  # ok: CON001
        conn.commit()  # ok: CON001
    ledger.execute("insert into recounts values (?, ?)", (shelf_id, counted))  # expect: CON001
    ledger.commit()  # ok: CON001
    return {"shelf": shelf_id, "quantity": counted}
""",
        """
import asyncio
import time

async def main():
    workers = [asyncio.create_task(consume(q)) for q in queues]
    while True:
        time.sleep(5)  # expect: CON001
        report(workers)

asyncio.run(main())
""",
        """
import stripe
from fastapi import APIRouter, Depends
from psycopg_pool import ConnectionPool

router = APIRouter()

@router.get("/stations/{station_id}")
async def station_detail(station_id: int, pool: ConnectionPool = Depends(get_pool)):
    with pool.connection() as conn:  # expect: CON001
        return conn.execute("SELECT * FROM stations WHERE id = %s", (station_id,)).fetchone()

@router.post("/deposits")
async def deposit(amount: int, customer_id: str):
    intent = stripe.PaymentIntent.create(amount=amount, currency="eur", customer=customer_id)  # expect: CON001
    return {"id": intent.id}
""",
        # A cached sessionmaker, called for a sync session in a plain `with`.
        """
from sqlalchemy import select

async def run_renewals(season: str) -> int:
    with session_factory()() as db:
        subs = db.scalars(select(Subscription).where(Subscription.season == season).limit(500)).all()  # expect: CON001
    return len(subs)
""",
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # Reports in coroutines, judged at the end once the file's start-up hooks are known:
        # (node, message, coroutine name, whether it is file I/O).
        self._in_coroutines: list[tuple[cst.CSTNode, str, str, bool, cst.CSTNode | None]] = []
        # `with open(path) as fh:` in a coroutine: the reads and writes in its block block the loop as well.
        self._opened_by_with: dict[cst.CSTNode, cst.With] = {}
        # Coroutines that run once per process, before or after serving: start-up and shutdown hooks, lifespans.
        self._run_once: set[str] = set()
        # Coroutines run by `asyncio.run(...)`: a script's entry point, where reading a file stalls nobody.
        self._entry_points: set[str] = set()
        self._lambda_depth = 0
        self._awaited: set[cst.CSTNode] = set()
        self._module_db_handles: set[str] = set()
        self._frames: list[_Frame] = []
        self._reported_opens: set[cst.CSTNode] = set()
        # Module-level sync functions: what blocking call each makes itself, and which functions it calls.
        self._blocking_helpers: dict[str, str] = {}
        self._helper_calls: dict[str, set[str]] = {}
        # Calls by name from coroutines: (call, callee, coroutine name), judged once every helper is known.
        self._calls_from_coroutines: list[tuple[cst.Call, str, str]] = []

    # --- where we are ---------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.asynchronous is not None and (node.name.value in _ONCE_NAMES or any(
                _is_once_decorator(d.decorator) for d in node.decorators)):
            self._run_once.add(node.name.value)
        helper = (node.asynchronous is None and len(self.ctx.function_stack) == 1 and not self.ctx.class_stack)
        frame = _Frame(name=node.name.value, is_async=node.asynchronous is not None, is_helper=helper,
                       params=set(param_names(node.params)))
        # `session: Session = Depends(get_session)`: a parameter typed as a sync ORM session (an AsyncSession
        # is awaited); in a helper, each query on it blocks whichever coroutine calls the helper.
        for param in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params):
            if param.annotation is not None and self.ctx.qualify(param.annotation.annotation) in _SYNC_SESSION_TYPES:
                frame.session_handles.add(param.name.value)
                frame.db_handles[param.name.value] = param.name.value
        self._frames.append(frame)
        if helper:
            self._helper_calls[node.name.value] = set()

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._frames.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._lambda_depth += 1

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._lambda_depth -= 1

    def visit_Await(self, node: cst.Await) -> None:
        self._awaited.add(node.expression)

    def visit_With(self, node: cst.With) -> None:
        # `async with session.get(url)` needs an async context manager: whatever it is, it does not block.
        if node.asynchronous is not None:
            self._awaited.update(item.item for item in node.items)
        else:
            self._opened_by_with.update((item.item, node) for item in node.items)

    @property
    def _frame(self) -> _Frame | None:
        """The current function when its calls matter: a coroutine or a module-level sync helper."""
        if not self._frames or self._lambda_depth or self.ctx.is_test:
            return None
        frame = self._frames[-1]
        return frame if frame.is_async or frame.is_helper else None

    # --- bindings -------------------------------------------------------------
    def _is_db_handle(self, frame: _Frame, name: str) -> bool:
        if name in frame.db_handles:
            return frame.db_handles[name] is not None
        return name not in frame.params and name in self._module_db_handles

    def _handle_root(self, frame: _Frame, name: str) -> str:
        """The connection a handle comes from: itself, or the connection a cursor was opened on."""
        return frame.db_handles.get(name) or name

    def _handle_of(self, value: cst.BaseExpression, frame: _Frame) -> str | None:
        """The connection `value` is a handle on (`connect(...)` is its own, `conn.cursor()` is `conn`'s), or None."""
        if not self._makes_db_handle(value, frame):
            return None
        func = value.func
        if isinstance(func, cst.Attribute) and func.attr.value == "cursor" and isinstance(func.value, cst.Name):
            return self._handle_root(frame, func.value.value)
        return ""  # opened right here

    def _makes_db_handle(self, value: cst.BaseExpression, frame: _Frame | None) -> bool:
        if not isinstance(value, cst.Call):
            return False
        connect = self.ctx.qualify(value.func)
        if connect in SYNC_DB_CONNECT:
            return not _instant(connect, value)
        func = value.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "cursor" and isinstance(func.value, cst.Name)):
            return False
        receiver = func.value.value
        return self._is_db_handle(frame, receiver) if frame is not None else receiver in self._module_db_handles

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if not isinstance(target, cst.Name):
            return
        name = target.value
        if not self._frames:
            if self._makes_db_handle(value, None):
                self._module_db_handles.add(name)
            return
        frame = self._frame
        if frame is None:
            return
        if not isinstance(value, cst.Call):
            frame.rebound.add(name)  # `session = request.app.state.http`: not the file-wide client any more
        else:
            frame.rebound.discard(name)
        root = self._handle_of(value, frame)
        frame.db_handles[name] = (root or name) if root is not None else None
        if root == "" or (root and root in frame.opened_here):
            frame.opened_here.add(name)  # its `connect` is reported here: its queries are the same finding
        else:
            frame.opened_here.discard(name)
        if isinstance(value, cst.Call) and self.ctx.qualify(value.func) in _OPENERS:
            frame.open_files[name] = value
        else:
            frame.open_files.pop(name, None)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is None:
            return
        self._bind(node.asname.name, node.item)
        frame = self._frame
        name = node.asname.name
        item = node.item
        if (frame is None or not isinstance(name, cst.Name) or item in self._awaited or not isinstance(item, cst.Call)):
            return
        if (isinstance(item.func, cst.Attribute) and item.func.attr.value in _POOL_CHECKOUTS
                and tokens(attribute_path(item.func.value) or "") & {"pool", "engine"}):
            # `with pool.connection() as conn:` in a coroutine: a plain `with` checks a sync connection out of a
            # sync pool (psycopg_pool's ConnectionPool, SQLAlchemy's Engine); an async pool is entered with
            # `async with`.
            frame.db_handles[name.value] = name.value
            frame.opened_here.discard(name.value)
            frame.checked_out[name.value] = node
            return
        func = item.func
        if isinstance(func, cst.Call) and not func.args and isinstance(func.func, cst.Name):
            func = func.func  # `with session_factory()() as db:`: a cached sessionmaker, called for a session
        if not isinstance(func, cst.Name):
            return
        # `with db_cursor() as cur:` / `with SessionLocal() as db:`: a plain `with` (an async one is awaited) on a
        # helper named for a database cursor, connection or ORM session hands out a sync handle, whatever module
        # the helper comes from.
        factory = func.value
        if factory not in frame.db_handles and _DB_HANDLE_FACTORY.fullmatch(factory):
            frame.db_handles[name.value] = name.value
            frame.opened_here.discard(name.value)
        if _SESSION_FACTORY.fullmatch(factory) and "async" not in factory.lower():
            frame.session_handles.add(name.value)
            frame.db_handles[name.value] = name.value

    # --- calls ----------------------------------------------------------------
    def visit_For(self, node: cst.For) -> None:
        frame = self._frame
        if frame is not None and isinstance(node.iter, cst.Name):
            self._file_used(frame, node.iter.value)

    def visit_Call(self, node: cst.Call) -> None:
        self._note_registration(node)
        if self.ctx.qualify(node.func) in _SCHEDULERS:
            # `asyncio.gather(db.fetch_all(...), ...)`: coroutines handed to the loop are awaited there.
            self._awaited.update(arg.value for arg in node.args)
        frame = self._frame
        if frame is None or node in self._awaited:
            return
        func = node.func
        # `send_email(...)`, `fraud_client.score_claim(...)`: a function of this file or of a module it imports.
        callee = func.value if isinstance(func, cst.Name) else (
            f"{func.value.value}.{func.attr.value}" if isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name) else None)
        if callee is not None:
            if frame.is_async:
                if not self._passes_reported_handle(node, frame):
                    self._calls_from_coroutines.append((node, callee, frame.name))
            else:
                self._helper_calls[frame.name].add(callee)
        name = self.ctx.qualify(func)
        if name is not None and "()" in name and self._receiver_is_parameter(func, frame):
            # `session.get` on a parameter: the file-wide binding of `session` says nothing about it.
            name = None
        if (name in _BLOCKING or (name in _BLOCKING_WITH_ARGS and node.args)) and not _instant(name, node):
            self._blocks(frame, node, short_name(name))
            return
        if name is not None and (_is_boto3_request(name) or _is_stripe_request(name)):
            self._blocks(frame, node, short_name(name))
            return
        if _is_s3_request(node):
            self._blocks(frame, node, func.attr.value)  # an S3 method name: `put_object`
            return
        if isinstance(func, cst.Attribute):
            receiver, method = func.value, func.attr.value
            if (method in _FILE_IO_METHODS and isinstance(receiver, cst.Call)
                    and self.ctx.qualify(receiver.func) in _OPENERS):
                self._blocks(frame, node, f"open(...).{method}")
            if (method in _UNAWAITED_DB_IO and _named_for_database(receiver)
                    and not (isinstance(receiver, cst.Name) and (receiver.value in frame.db_handles
                                                                 or receiver.value in self._module_db_handles))):
                # `db.fetch_all(...)` with no `await` on a handle this function was given: an async driver's
                # query is a coroutine that must be awaited, so this one runs to completion right here. In a sync
                # helper, the handle it was given is then a sync one too. (Handles bound here are judged by
                # how they were made, below.)
                self._blocks(frame, node, f"{attribute_path(receiver) or 'db'}.{method}")
                return
            if isinstance(receiver, cst.Name):
                if (method in _DB_IO_METHODS and self._is_db_handle(frame, receiver.value)) or (
                        method in _SESSION_IO_METHODS and receiver.value in frame.session_handles):
                    # One finding per connection and coroutine: at its `connect` when opened here, else at the
                    # first statement run on it.
                    root = self._handle_root(frame, receiver.value)
                    if receiver.value not in frame.opened_here and root not in frame.used_handles:
                        frame.used_handles.add(root)
                        self._blocks(frame, node, f"{receiver.value}.{method}")
                elif method in _FILE_IO_METHODS:
                    self._file_used(frame, receiver.value)
        if name in _FILE_USERS:
            for arg in node.args:
                if isinstance(arg.value, cst.Name):
                    self._file_used(frame, arg.value.value)

    def _note_registration(self, node: cst.Call) -> None:
        """`app.on_startup.append(f)`, `add_event_handler("startup", f)`, `FastAPI(lifespan=f)`, `asyncio.run(main())`."""
        func = node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        if method == "append" and isinstance(func.value, cst.Attribute) and func.value.attr.value in _HOOK_LISTS:
            self._run_once.update(_names(node.args[:1]))
        elif method == "add_event_handler":
            self._run_once.update(_names(node.args[1:2]))
        if node.args and self.ctx.qualify(func) == "asyncio.run":
            first = node.args[0].value
            if isinstance(first, cst.Call) and isinstance(first.func, cst.Name):
                self._entry_points.add(first.func.value)
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in _HOOK_KEYWORDS:
                value = arg.value
                elements = [el.value for el in value.elements] if isinstance(value, (cst.List, cst.Tuple)) else [value]
                self._run_once.update(el.value for el in elements if isinstance(el, cst.Name))

    def _passes_reported_handle(self, call: cst.Call, frame: _Frame) -> bool:
        """`_docks_for(conn, ...)` with a sync connection this coroutine was already reported for: the helper's
        queries on it are that same finding."""
        for arg in call.args:
            if isinstance(arg.value, cst.Name) and self._is_db_handle(frame, arg.value.value):
                root = self._handle_root(frame, arg.value.value)
                if root in frame.used_handles or arg.value.value in frame.opened_here:
                    return True
        return False

    @staticmethod
    def _receiver_is_parameter(func: cst.BaseExpression, frame: _Frame) -> bool:
        while isinstance(func, cst.Attribute):
            func = func.value
        return isinstance(func, cst.Name) and (func.value in frame.params or func.value in frame.rebound)

    def _file_used(self, frame: _Frame, name: str) -> None:
        opened = frame.open_files.get(name)
        if opened is not None and opened not in self._reported_opens:
            self._reported_opens.add(opened)
            self._blocks(frame, opened, "open")

    def _blocks(self, frame: _Frame, node: cst.CSTNode, what: str) -> None:
        if frame.is_async:
            file_io = what == "open" or what.startswith(("open(", "pathlib."))
            root = node.func if isinstance(node, cst.Call) else None
            while isinstance(root, cst.Attribute):
                root = root.value
            # A query on a connection checked out with a plain `with pool.connection()` spans from the checkout.
            start = frame.checked_out.get(root.value) if isinstance(root, cst.Name) else None
            self._in_coroutines.append((node, f"`{what}` blocks the event loop inside `async def {frame.name}`: "
                                              "every other request on this worker waits until it returns.",
                                        frame.name, file_io, start))
        elif (what != "open" and not what.startswith(("open(", "pathlib."))) or (isinstance(node, cst.Call) and write_mode(node) is not None):
            # Reading a config file in a helper is usually a one-off at startup: only network, database,
            # sleeps, subprocesses and writing a file (an export, an upload) make a helper count as blocking.
            self._blocking_helpers.setdefault(frame.name, what)

    def leave_Module(self, original_node: cst.Module) -> None:
        for node, message, coroutine, file_io, start in self._in_coroutines:
            if coroutine in self._run_once or (file_io and coroutine in self._entry_points):
                continue
            if start is not None:
                self.report(start, message, end_node=node)
            elif file_io and node in self._opened_by_with:
                self.report(node, message, end_node=self._opened_by_with[node])
            else:
                self.report(node, message)
        blocking = dict(self._blocking_helpers)
        callees = {callee for _, callee, _ in self._calls_from_coroutines} | {
            c for calls in self._helper_calls.values() for c in calls}
        if self._calls_from_coroutines:  # neighbours matter only to a coroutine's calls
            # Functions of the project modules this file imports, read from their text: `send_email` opening an
            # SMTP connection in mailer.py blocks this coroutine just the same.
            imported = imported_blocking(self.ctx.path, self.ctx.root, self.ctx.text)
            blocking.update({name: what for name, what in imported.items()
                             if name in callees and name not in self._helper_calls})
        changed = True
        while changed:  # a helper that calls a blocking helper blocks too
            changed = False
            for helper, callees in self._helper_calls.items():
                if helper in blocking:
                    continue
                for callee in sorted(callees):  # sorted: the message names the same call in every run
                    if callee in blocking:
                        blocking[helper] = f"{callee}()"
                        changed = True
                        break
        seen: set[tuple[str, str]] = set()
        for call, callee, coroutine in self._calls_from_coroutines:
            if callee in blocking and coroutine not in self._run_once and (coroutine, callee) not in seen:
                seen.add((coroutine, callee))  # its first call: making the helper async fixes every call
                self.report(call, f"`{callee}()` makes a blocking call (`{blocking[callee]}`) inside `async def "
                                  f"{coroutine}`: every other request on this worker waits until it returns.")


@dataclass
class _Frame:
    """One function being visited, with what its local names hold."""

    name: str
    is_async: bool
    is_helper: bool
    params: set[str]
    rebound: set[str] = field(default_factory=set)
    # Local names bound to a sync database handle, each with the name of the connection it comes from
    # (None: the name holds something else).
    db_handles: dict[str, str | None] = field(default_factory=dict)
    opened_here: set[str] = field(default_factory=set)  # handles whose connection is opened in this function
    used_handles: set[str] = field(default_factory=set)  # connections already reported at a statement
    open_files: dict[str, cst.Call] = field(default_factory=dict)
    session_handles: set[str] = field(default_factory=set)  # `with SessionLocal() as db:`: a sync ORM session
    checked_out: dict[str, cst.CSTNode] = field(default_factory=dict)  # `with pool.connection() as conn:` items
