"""Targeted behaviour of the runtime checks (timeouts on clients, concurrency, resources, scaling)."""

from __future__ import annotations

import textwrap

from reviewer.checks._base import (
    FileContext,
    is_test_path,
    parse_python,
    run_python_checks,
)
from reviewer.checks.blocking_call_in_async import BlockingCallInAsync
from reviewer.checks.client_without_timeout import ClientWithoutTimeout
from reviewer.checks.in_process_shared_state import InProcessSharedState
from reviewer.checks.local_file_write_in_handler import LocalFileWriteInHandler
from reviewer.checks.module_state_written_by_handler import ModuleStateWrittenByHandler
from reviewer.checks.request_work_in_background_task import RequestWorkInBackgroundTask
from reviewer.checks.resource_without_close import ResourceWithoutClose
from reviewer.checks.scheduler_started_at_import import SchedulerStartedAtImport
from reviewer.checks.thread_per_request import ThreadPerRequest
from reviewer.checks.unbounded_cache import UnboundedCache

RUNTIME_CHECKS = [
    BlockingCallInAsync, ClientWithoutTimeout, InProcessSharedState, LocalFileWriteInHandler,
    ModuleStateWrittenByHandler, ResourceWithoutClose, SchedulerStartedAtImport, ThreadPerRequest, UnboundedCache,
]


def lines_reported(checks, source: str, path: str = "app/service.py") -> set[tuple[int, str]]:
    source = textwrap.dedent(source).lstrip("\n")
    ctx = FileContext(path=path, text=source, is_test=is_test_path(path))
    return {(hit.line, hit.id) for hit in run_python_checks(parse_python(source), ctx, checks)}


def reported(check, source: str, path: str = "app/service.py") -> list[int]:
    return sorted(line for line, _id in lines_reported([check], source, path))


# --- REL001 ClientWithoutTimeout -------------------------------------------------


def test_psycopg3_connect_is_not_reported_because_it_has_a_finite_default():
    assert reported(ClientWithoutTimeout, """
        import psycopg
        conn = psycopg.connect("dbname=shop")
    """) == []


def test_psycopg2_pool_without_connect_timeout_is_reported():
    assert reported(ClientWithoutTimeout, """
        from psycopg2.pool import ThreadedConnectionPool
        pool = ThreadedConnectionPool(1, 10, "dbname=shop")
    """) == [2]


def test_redis_on_an_explicit_pool_is_judged_at_the_pool():
    assert reported(ClientWithoutTimeout, """
        import redis
        pool = redis.ConnectionPool(host="cache")
        client = redis.Redis(connection_pool=pool)
    """) == [2]


def test_aiohttp_timeout_with_a_positional_total_is_not_reported():
    assert reported(ClientWithoutTimeout, """
        import aiohttp
        timeout = aiohttp.ClientTimeout(30)
        unbounded = aiohttp.ClientTimeout()
    """) == [3]


# --- CON001 BlockingCallInAsync --------------------------------------------------


def test_blocking_call_in_a_sync_def_nested_in_async_def_is_not_reported():
    assert reported(BlockingCallInAsync, """
        import asyncio
        import time

        async def handler():
            def slow():
                time.sleep(1)
            await asyncio.to_thread(slow)
    """) == []


def test_session_parameter_is_not_resolved_through_another_functions_binding():
    assert reported(BlockingCallInAsync, """
        import requests

        def sync_fetch(url):
            session = requests.Session()
            return session.get(url, timeout=3)

        async def async_fetch(session, url):
            async with session.get(url) as response:
                return await response.text()
    """) == []


def test_sync_connection_bound_at_module_level_is_reported_when_not_awaited():
    assert reported(BlockingCallInAsync, """
        import sqlite3
        conn = sqlite3.connect("app.db")

        async def count(db):
            await db.execute("select 1")
            return conn.execute("select count(*) from users").fetchone()
    """) == [6]


def test_file_opened_in_async_def_but_never_read_is_not_reported():
    assert reported(BlockingCallInAsync, """
        async def download(path):
            handle = open(path, "rb")
            return StreamingResponse(handle)
    """) == []


def test_blocking_calls_in_test_files_are_not_reported():
    assert reported(BlockingCallInAsync, """
        import time

        async def test_slow_path():
            time.sleep(0.1)
    """, path="tests/test_slow.py") == []


def test_coroutine_calling_a_sync_helper_that_calls_out_is_reported_at_the_call():
    assert reported(BlockingCallInAsync, """
        import time
        import requests

        def _fetch_rates():
            return requests.get("https://rates.example", timeout=3).json()

        def _rates_with_retry():
            time.sleep(0)
            return _fetch_rates()

        async def quote(amount):
            return amount * _rates_with_retry()["EUR"]
    """) == [12]


def test_coroutine_calling_a_helper_that_only_reads_a_file_is_not_reported():
    assert reported(BlockingCallInAsync, """
        import json

        def load_config(path="config.json"):
            with open(path) as f:
                return json.load(f)

        async def run_batch():
            config = load_config()
            return config
    """) == []


# --- CON002 ModuleStateWrittenByHandler ------------------------------------------


FLASK_HEADER = """
import threading
from flask import Flask, request
app = Flask(__name__)
hits = {}
lock = threading.Lock()
"""


def test_parameter_named_like_module_dict_is_local():
    assert reported(ModuleStateWrittenByHandler, FLASK_HEADER + """
@app.post("/a")
def a(hits):
    hits["x"] = 1
    return ""
""") == []


def test_write_between_acquire_and_release_is_not_reported():
    assert reported(ModuleStateWrittenByHandler, FLASK_HEADER + """
@app.post("/a")
def a():
    lock.acquire()
    try:
        hits[request.path] = 1
    finally:
        lock.release()
    return ""
""") == []


def test_write_in_helper_not_called_by_a_handler_is_not_reported():
    assert reported(ModuleStateWrittenByHandler, FLASK_HEADER + """
def warm_up():
    hits["boot"] = 1
""") == []


def test_attribute_writes_on_thread_locals_are_not_reported():
    assert reported(ModuleStateWrittenByHandler, FLASK_HEADER + """
local = threading.local()

@app.post("/a")
def a():
    local.user = request.args["user"]
    return ""
""") == []


def test_writes_from_request_hooks_and_dependencies_are_reported():
    assert reported(ModuleStateWrittenByHandler, """
        from fastapi import Depends, FastAPI, Request
        from flask import Flask, request
        app = Flask(__name__)
        api = FastAPI()
        failures = {}
        quota = {}

        @app.after_request
        def count_failures(response):
            failures.setdefault(request.remote_addr, []).append(response.status_code)
            return response

        def check_quota(request: Request):
            used = quota.get(request.client.host, 0)
            quota[request.client.host] = used + 1

        @api.get("/items", dependencies=[Depends(check_quota)])
        def items():
            return []
    """) == [10, 15]


def test_one_report_per_container_and_function_at_the_write_that_adds():
    assert reported(ModuleStateWrittenByHandler, FLASK_HEADER + """
@app.post("/a")
def a():
    bucket = hits.setdefault(request.remote_addr, [])
    bucket.pop(0)
    bucket.append(1)
    return ""
""") == [9]


# --- CON003 ThreadPerRequest ------------------------------------------------------


def test_string_join_does_not_count_as_joining_the_thread():
    assert reported(ThreadPerRequest, """
        import threading
        from flask import Flask
        app = Flask(__name__)

        @app.post("/a")
        def a():
            t = threading.Thread(target=work)
            t.start()
            return ", ".join(["started"])
    """) == [7]


def test_thread_started_outside_handlers_is_not_reported():
    assert reported(ThreadPerRequest, """
        import threading

        def main():
            threading.Thread(target=work).start()
    """) == []


# --- RES001 ResourceWithoutClose ---------------------------------------------------


def test_close_inside_finally_behind_a_none_check_counts():
    assert reported(ResourceWithoutClose, """
        def read(path):
            f = None
            try:
                f = open(path)
                return f.read()
            finally:
                if f is not None:
                    f.close()
    """) == []


def test_close_in_only_one_branch_is_reported():
    assert reported(ResourceWithoutClose, """
        def read(path):
            f = open(path)
            data = f.read()
            if data:
                f.close()
            return data
    """) == [2]


def test_resource_handed_to_another_call_or_closure_is_not_reported():
    assert reported(ResourceWithoutClose, """
        import socket
        import threading

        def serve(port):
            server = socket.socket()
            server.bind(("", port))
            threading.Thread(target=accept_loop, args=(server,)).start()

        def lazy(path):
            f = open(path)
            return lambda: f.read()
    """) == []


def test_mkstemp_whose_descriptor_is_dropped_is_reported():
    assert reported(ResourceWithoutClose, """
        import tempfile

        def scratch():
            path = tempfile.mkstemp()[1]
            return path
    """) == [4]


def test_cursor_of_a_connection_opened_in_the_same_function_follows_the_connection():
    assert reported(ResourceWithoutClose, """
        import sqlite3

        def names(path):
            with sqlite3.connect(path) as conn:
                cur = conn.cursor()
                return [row[0] for row in cur.execute("select name from users")]
    """) == []


def test_resources_in_test_files_are_not_reported():
    assert reported(ResourceWithoutClose, """
        def test_reads_fixture():
            f = open("fixture.json")
            assert f.read()
    """, path="tests/test_fixture.py") == []


def test_cursor_of_a_leaking_connection_is_left_to_the_connections_finding():
    # Closing the connection closes the cursor: one leak, reported once, at the connection.
    assert reported(ResourceWithoutClose, """
        import psycopg2

        def transfer(dsn, a, b):
            conn = psycopg2.connect(dsn, connect_timeout=5)
            cur = conn.cursor()
            cur.execute("update accounts set x = 1 where id in (%s, %s)", (a, b))
            conn.commit()
            cur.close()
            conn.close()
    """) == [4]


def test_resource_passed_to_a_helper_of_the_same_module_is_still_followed():
    assert reported(ResourceWithoutClose, """
        import sqlite3

        def checkout(db_path, member):
            conn = sqlite3.connect(db_path)
            if not _member_ok(conn, member):
                return False
            conn.close()
            return True

        def _member_ok(conn, member):
            return conn.execute("select 1 from members where id = ?", (member,)).fetchone() is not None
    """) == [4]


def test_function_with_a_nested_function_between_its_resources_is_reported_once():
    assert reported(ResourceWithoutClose, """
        def export(path, rows):
            out = open(path, "w")
            def fmt(row):
                log = open("fmt.log", "a")
                log.write(str(row))
            summary = open(path + ".summary", "w")
            out.write(str(len(rows)))
            summary.write("done")
    """) == [2, 4, 6]


# --- RES002 UnboundedCache -------------------------------------------------------


def test_cache_decorators_on_bounded_or_argumentless_functions_are_not_reported():
    assert reported(UnboundedCache, """
        from functools import cache, lru_cache
        from fastapi import FastAPI
        app = FastAPI()

        @cache
        def settings():
            return load()

        @cache
        def feature(enabled: bool):
            return enabled

        @lru_cache
        def user(user_id):
            return fetch(user_id)
    """) == []


def test_unbounded_cache_on_a_method_is_reported_outside_web_apps_too():
    assert reported(UnboundedCache, """
        from functools import lru_cache

        class Prices:
            @lru_cache(None)
            def of(self, sku):
                return self.db.price(sku)
    """) == [4]


def test_dict_cache_with_a_constant_key_is_not_reported():
    assert reported(UnboundedCache, """
        _cache = {}

        def config():
            _cache["config"] = load_config()
            return _cache["config"]
    """) == []


def test_last_seen_timestamps_are_not_a_cache_by_name():
    assert reported(UnboundedCache, """
        import time
        _last_seen = {}

        def heartbeat(user_id):
            _last_seen[user_id] = time.time()
    """) == []


def test_seen_ids_set_without_eviction_is_reported_at_its_definition():
    assert reported(UnboundedCache, """
        _seen_ids: set[str] = set()

        def handle(message):
            if message.id in _seen_ids:
                return
            _seen_ids.add(message.id)
    """) == [1]


# --- SCL001 InProcessSharedState ------------------------------------------------


def test_session_store_that_nothing_writes_is_not_reported():
    assert reported(InProcessSharedState, """
        from flask import Flask
        app = Flask(__name__)
        sessions = {}

        @app.get("/count")
        def count():
            return {"n": len(sessions)}
    """) == []


def test_counter_with_constant_keys_and_list_buffers_are_not_per_user_state():
    assert reported(InProcessSharedState, """
        from flask import Flask, request
        app = Flask(__name__)
        stats = {"hits": 0}
        audit_buffer = []

        @app.post("/hit")
        def hit():
            stats["hits"] += 1
            audit_buffer.append(request.path)
            return ""
    """) == []


def test_dict_keyed_per_request_is_reported_whatever_its_name():
    assert reported(InProcessSharedState, """
        import time
        from fastapi import FastAPI
        app = FastAPI()
        _last_seen = {}

        @app.post("/heartbeat/{user_id}")
        async def heartbeat(user_id: int):
            _last_seen[user_id] = time.time()
    """) == [4]


# --- SCL002 LocalFileWriteInHandler -----------------------------------------------


def test_template_path_is_not_mistaken_for_a_temp_path():
    assert reported(LocalFileWriteInHandler, """
        from flask import Flask
        app = Flask(__name__)

        @app.post("/templates/<name>")
        def save_template(name):
            template_path = f"templates/{name}.html"
            with open(template_path, "w") as f:
                f.write("...")
            return ""
    """) == [7]


def test_open_with_an_unknown_mode_or_to_devnull_is_not_reported():
    assert reported(LocalFileWriteInHandler, """
        import json
        import os
        from flask import Flask
        app = Flask(__name__)

        @app.post("/a")
        def a(mode):
            open("data.txt", mode)
            json.dump({}, open(os.devnull, "w"))
            return ""
    """) == []


# --- SCL003 SchedulerStartedAtImport ------------------------------------------------


def test_werkzeug_reloader_guard_is_not_a_deployment_guard():
    assert reported(SchedulerStartedAtImport, """
        import os
        from flask import Flask
        from jobs import scheduler
        app = Flask(__name__)

        if os.environ.get("WERKZEUG_RUN_MAIN") == "true":
            scheduler.start()
    """) == [7]


def test_background_scheduler_in_an_imported_module_is_reported_but_not_in_a_script():
    imported = """
        from apscheduler.schedulers.background import BackgroundScheduler
        scheduler = BackgroundScheduler()
        scheduler.start()
    """
    assert reported(SchedulerStartedAtImport, imported) == [3]
    script = imported + """
        while True:
            time.sleep(60)
    """
    assert reported(SchedulerStartedAtImport, script) == []


def test_startup_task_is_reported_when_it_sleeps_in_a_loop_not_when_it_consumes_a_queue():
    source = """
        import asyncio
        from fastapi import FastAPI
        app = FastAPI()

        async def loop_forever():
            while True:
                {body}

        @app.on_event("startup")
        async def start():
            asyncio.create_task(loop_forever())
    """
    assert reported(SchedulerStartedAtImport, source.replace("{body}", "await asyncio.sleep(60); await tick()")) == [11]
    assert reported(SchedulerStartedAtImport, source.replace("{body}", "await handle(await jobs.get())")) == []


# --- all together ------------------------------------------------------------------


def test_runtime_checks_report_the_same_lines_batched_as_alone():
    source = """
        import threading
        import time
        import requests
        from functools import cache
        from flask import Flask, request
        app = Flask(__name__)
        rate_limits = {}
        threading.Thread(target=time.sleep, args=(1,)).start()

        @cache
        def profile(user_id):
            return requests.get(f"https://users/{user_id}").json()

        @app.post("/upload")
        def upload():
            rate_limits[request.remote_addr] = rate_limits.get(request.remote_addr, 0) + 1
            request.files["f"].save(f"uploads/{request.files['f'].filename}")
            log = open("audit.log", "a")
            log.write("upload\\n")
            threading.Thread(target=notify).start()
            return ""

        async def poll():
            time.sleep(1)
    """
    alone = set().union(*(lines_reported([check], source) for check in RUNTIME_CHECKS))
    together = lines_reported(RUNTIME_CHECKS, source)
    assert together == alone
    assert {check_id for _line, check_id in together} == {
        "CON001", "CON002", "CON003", "RES001", "RES002", "SCL001", "SCL002", "SCL003"}



def test_per_user_state_is_reported_from_its_definition_to_the_handler_that_writes_it():
    source = textwrap.dedent("""
        from flask import Flask, request
        app = Flask(__name__)
        last_seen = {}

        def helper():
            return 1

        @app.post("/ping")
        def ping():
            last_seen[request.json["device"]] = request.json["at"]
            return "", 204
    """).lstrip("\n")
    ctx = FileContext(path="app/service.py", text=source)
    hits = run_python_checks(parse_python(source), ctx, [InProcessSharedState])
    assert [(h.line, h.end_line) for h in hits] == [(3, 10)]


def test_an_explicit_timeout_none_is_reported_from_the_call_to_the_keyword():
    from reviewer.checks.network_call_without_timeout import NetworkCallWithoutTimeout

    source = textwrap.dedent("""
        import httpx
        client = httpx.Client(
            base_url="https://channel.example",
            timeout=None,
        )
    """).lstrip("\n")
    hits = run_python_checks(parse_python(source), FileContext(path="app/sync.py", text=source),
                             [NetworkCallWithoutTimeout])
    assert [(h.line, h.end_line) for h in hits] == [(2, 4)]


def test_a_thread_made_then_started_is_reported_from_its_constructor_to_its_start():
    source = textwrap.dedent("""
        import threading
        from flask import Flask
        app = Flask(__name__)

        @app.post("/submit")
        def submit():
            scan = threading.Thread(target=print, daemon=True)
            scan.start()
            return "", 202
    """).lstrip("\n")
    hits = run_python_checks(parse_python(source), FileContext(path="app/views.py", text=source), [ThreadPerRequest])
    assert [(h.line, h.end_line) for h in hits] == [(7, 8)]


def _write_project(root, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"))


MAILER = """
    import smtplib

    def build(to, body):
        return f"To: {to}\\n\\n{body}"

    def send_email(
        to: str,
        body: str,
    ) -> None:
        with smtplib.SMTP("mail", 587, timeout=10) as smtp:
            smtp.sendmail("noreply@example.com", [to], build(to, body))

    def send_digest(to, items):
        send_email(to, "\\n".join(items))

    async def send_email_async(to, body):
        await asyncio.to_thread(send_email, to, body)
"""


def test_a_blocking_function_imported_from_a_project_module_is_reported_in_async_def(tmp_path):
    _write_project(tmp_path, {"app/mailer.py": MAILER, "app/clients/weather.py": """
        import requests
        _session = requests.Session()

        def _fetch(city):
            return _session.get(f"https://weather.example/{city}", timeout=5).json()

        def outdoor(city):
            return _fetch(city)["temp"]
    """})
    source = textwrap.dedent("""
        from fastapi import FastAPI
        from .mailer import build, send_digest, send_email_async
        from app.clients import weather

        app = FastAPI()

        @app.post("/signup")
        async def signup(email: str):
            send_digest(email, ["welcome"])
            await send_email_async(email, build(email, "hi"))
            return {"temp": weather.outdoor("oslo")}
        """).lstrip("\n")
    ctx = FileContext(path="app/routes.py", text=source, is_test=False, root=str(tmp_path))
    hits = run_python_checks(parse_python(source), ctx, [BlockingCallInAsync])
    assert sorted(h.line for h in hits) == [9, 11]


def test_an_imported_function_that_calls_s3_through_boto3_blocks_but_not_an_aiobotocore_one(tmp_path):
    _write_project(tmp_path, {"app/services/storage.py": """
        import boto3

        def _client():
            return boto3.client("s3")

        def upload_bytes(key, data):
            _client().put_object(Bucket="photos", Key=key, Body=data)
    """, "app/services/async_storage.py": """
        from aiobotocore.session import get_session

        def object_key(order_id, name):
            return f"orders/{order_id}/{name}"

        async def upload(client, key, data):
            await client.put_object(Bucket="photos", Key=key, Body=data)
    """})
    source = textwrap.dedent("""
        from fastapi import FastAPI, UploadFile
        from .services import async_storage, storage

        app = FastAPI()

        @app.post("/orders/{order_id}/photos")
        async def upload_photo(order_id: int, file: UploadFile):
            data = await file.read()
            storage.upload_bytes(f"orders/{order_id}/{file.filename}", data)
            return {"key": async_storage.object_key(order_id, file.filename)}
        """).lstrip("\n")
    ctx = FileContext(path="app/routes.py", text=source, is_test=False, root=str(tmp_path))
    hits = run_python_checks(parse_python(source), ctx, [BlockingCallInAsync])
    assert [h.line for h in hits] == [9]


def test_the_cache_key_of_a_coroutine_file_changes_when_an_imported_function_starts_to_block(tmp_path):
    from reviewer.engine import _file_key
    from reviewer.findings import FileChange, FileKind

    _write_project(tmp_path, {"app/geo.py": "def distance(a, b):\n    return abs(a - b)\n"})
    change = FileChange(path="app/quotes.py", status="scanned", kind=FileKind.python, whole_file=True,
                        text="from . import geo\n\nasync def quote(a, b):\n    return geo.distance(a, b)\n")
    before = _file_key(change, frozenset(), str(tmp_path))
    _write_project(tmp_path, {"app/geo.py": "import requests\n\ndef distance(a, b):\n"
                                            "    return requests.get(f'https://geo/{a}/{b}', timeout=5).json()\n"})
    assert _file_key(change, frozenset(), str(tmp_path)) != before


def test_imap_and_pop_connections_without_a_timeout_are_reported():
    from reviewer.checks.network_call_without_timeout import NetworkCallWithoutTimeout

    assert reported(NetworkCallWithoutTimeout, """
        import imaplib, poplib

        def fetch(host):
            imap = imaplib.IMAP4_SSL(host)
            pop = poplib.POP3(host, 110, 10)
            return imaplib.IMAP4_SSL(host, timeout=10), imap, pop
    """) == [4]


def test_a_call_shown_in_an_imported_function_docstring_or_comment_does_not_make_it_blocking(tmp_path):
    _write_project(tmp_path, {"app/tracing.py": '''
        def headers_for(span):
            """Headers for the span. Example:

                resp = requests.post(url, headers=headers_for(span))
            """
            # time.sleep(1) was here once
            return {"traceparent": span.trace_id}
    '''})
    source = textwrap.dedent("""
        from .tracing import headers_for

        async def forward(span, client):
            return await client.post("/x", headers=headers_for(span))
        """).lstrip("\n")
    ctx = FileContext(path="app/proxy.py", text=source, is_test=False, root=str(tmp_path))
    assert run_python_checks(parse_python(source), ctx, [BlockingCallInAsync]) == []


def test_a_file_opened_for_writing_in_a_with_block_is_reported_from_the_open_to_the_first_write():
    source = textwrap.dedent("""
        from flask import Flask
        app = Flask(__name__)

        @app.get("/cards/<int:member_id>")
        def card(member_id):
            with open(f"/srv/cards/{member_id}.html", "w") as fh:
                fh.write(render_card(member_id))
                fh.flush()
            return "", 204
    """).lstrip("\n")
    ctx = FileContext(path="app/cards.py", text=source)
    hits = run_python_checks(parse_python(source), ctx, [LocalFileWriteInHandler])
    assert [(h.line, h.end_line) for h in hits] == [(6, 7)]


def test_a_write_in_a_helper_names_the_helpers_line_and_a_thread_target_counts_as_called():
    source = textwrap.dedent("""
        import threading
        from flask import Flask
        app = Flask(__name__)

        def _build_export(job_id):
            with open(f"/srv/exports/{job_id}.csv", "w") as fh:
                fh.write("id\\n")

        @app.post("/exports")
        def start_export():
            threading.Thread(target=_build_export, args=("42",)).start()
            return "", 202
    """).lstrip("\n")
    ctx = FileContext(path="app/exports.py", text=source)
    hits = run_python_checks(parse_python(source), ctx, [LocalFileWriteInHandler])
    assert [(h.line, h.related_lines) for h in hits] == [(11, [6])]
    assert "on line 6" in hits[0].message


def test_a_file_opened_by_with_in_a_coroutine_is_reported_across_its_block():
    source = textwrap.dedent("""
        from fastapi import APIRouter
        router = APIRouter()

        @router.post("/exports")
        async def create_export(body: dict):
            with open("/srv/exports/latest.tmx", "w", encoding="utf-8") as fh:
                fh.write(render(body))
                fh.flush()
            return {"ok": True}
    """).lstrip("\n")
    hits = run_python_checks(parse_python(source), FileContext(path="app/exports.py", text=source),
                             [BlockingCallInAsync])
    assert [(h.line, h.end_line) for h in hits] == [(6, 8)]


def test_message_handed_to_a_named_thread_spans_to_its_start():
    source = textwrap.dedent("""
        import smtplib
        import threading
        from django.conf import settings

        def _deliver(msg):
            with smtplib.SMTP(settings.EMAIL_HOST, timeout=10) as smtp:
                smtp.send_message(msg)

        def _in_background(msg):
            worker = threading.Thread(target=_deliver, args=(msg,), daemon=True)
            worker.start()
    """).lstrip("\n")
    ctx = FileContext(path="app/mailer.py", text=source, is_test=False)
    hits = run_python_checks(parse_python(source), ctx, [RequestWorkInBackgroundTask])
    assert [(h.id, h.line, h.end_line) for h in hits] == [("REL005", 10, 11)]
