"""SCL003: a scheduler, timer or background loop started when a web app's module is imported."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import (
    NESTED_SCOPES,
    FileContext,
    PythonCheck,
    attribute_path,
    children,
    descendants,
    findall,
    is_main_guard,
    keyword,
    own_nodes,
)
from reviewer.checks._data import method
from reviewer.checks._runtime import APP_FACTORIES, THREAD_CONSTRUCTORS, runs_until_shutdown, short_name

_SCHEDULER_PACKAGES = ("apscheduler.", "flask_apscheduler.")
_TASK_STARTERS = frozenset({"asyncio.create_task", "asyncio.ensure_future"})
# The Flask reloader flag says "not the reloader's parent", not "one process per deployment".
_RELOADER_FLAG = "WERKZEUG_RUN_MAIN"


class SchedulerStartedAtImport(PythonCheck):
    """A scheduler, timer thread or background task started at import time in a web app.

    ## What it does
    In a web app, reports at module level (outside functions, classes and `if __name__ == "__main__":`)
    `.start()` on an APScheduler scheduler or on anything named like a scheduler, `.start()` on a
    `threading.Thread`, `threading.Timer` or `multiprocessing.Process` (chained or through a name;
    this covers the thread that runs `schedule.run_pending()`), and `asyncio.create_task`/
    `ensure_future`/`loop.create_task`. Starts guarded by an environment flag (`if
    os.environ.get("RUN_SCHEDULER"):`) are taken as deliberate, except Flask's `WERKZEUG_RUN_MAIN`.

    ## Why is this bad?
    The module is imported once per worker process and once per replica: with 4 gunicorn workers
    on 3 pods, the nightly billing job runs 12 times. The jobs also die with the worker when it is
    recycled, and a job in flight at deploy time is lost.

    Also reported: in a start-up hook of a web app (a `lifespan` function, `@app.on_event("startup")`, a
    function registered by name: aiohttp's `app.on_startup.append(f)`, `add_event_handler("startup", f)`,
    `on_startup=[f]`),
    `asyncio.create_task(...)` of a coroutine of the same module that sleeps in a `while True` loop, or in a loop
    that runs until a stop event is set and waits on that event between runs (a periodic job run once per worker;
    a loop that waits on a queue is not), or of another module's
    coroutine named for a loop (`surcharges.run_forever(app)`, an imported `reminder_loop()`), or a thread whose
    target is such a loop; and, in a module meant to be
    imported (no `if __name__ == "__main__":`, no module-level loop keeping a script alive), `.start()`
    at import time on an APScheduler scheduler other than `BlockingScheduler`: a background scheduler
    runs in every process that imports the module, each web worker and each Celery worker.

    A background scheduler, or a thread whose target is a function of the module that sleeps in a `while True`
    loop, started in an app factory (`create_app`, `make_app`), or in a function of the module that the factory
    calls by name (`_start_scheduler(app)`), is reported too: every worker calls the factory; and so is an
    APScheduler background scheduler started in a start-up hook, and either started in Django's
    `AppConfig.ready()` (the thread also through a name: `sweeper = Thread(target=...)`, `sweeper.start()`).

    ## Known limits
    Schedulers started through a helper of another module are not reported, nor are threads or tasks started at import in a module that does not import a web
    framework itself. A start-up loop guarded by a leader election or a lock is still reported.
    """

    id = "SCL003"
    VALID = (
        """
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

app = Flask(__name__)
scheduler = BlockingScheduler()
scheduler.add_job(send_digest, "cron", hour=7)

if __name__ == "__main__":
    # `python jobs.py` runs in one dedicated container.
    scheduler.start()  # ok: SCL003
""",
        """
import os
import threading
from flask import Flask

app = Flask(__name__)

if os.environ.get("RUN_BACKGROUND_JOBS") == "1":
    threading.Thread(target=run_jobs, daemon=True).start()  # ok: SCL003
""",
        """
import threading
from fastapi import FastAPI

app = FastAPI()

def start_cleanup():
    # Called by the deployment's single `worker` command, not at import.
    threading.Thread(target=cleanup_forever, daemon=True).start()  # ok: SCL003
""",
        """
import asyncio
from contextlib import asynccontextmanager
from fastapi import FastAPI

async def warm_cache():
    await load_prices()

@asynccontextmanager
async def lifespan(app: FastAPI):
    task = asyncio.create_task(warm_cache())  # ok: SCL003
    yield
    task.cancel()
""",
        # A consumer of this process's own queue, with a timeout so that it notices shutdown.
        """
import asyncio
from contextlib import asynccontextmanager
from fastapi import FastAPI

outbox: asyncio.Queue = asyncio.Queue()

async def drain(stop: asyncio.Event):
    while not stop.is_set():
        try:
            item = await asyncio.wait_for(outbox.get(), timeout=1)
        except asyncio.TimeoutError:
            continue
        await deliver(item)

@asynccontextmanager
async def lifespan(app: FastAPI):
    stop = asyncio.Event()
    task = asyncio.create_task(drain(stop))  # ok: SCL003
    yield
    stop.set()
    await task
""",
        """
from apscheduler.schedulers.blocking import BlockingScheduler

scheduler = BlockingScheduler()
scheduler.add_job(send_digest, "cron", hour=7)
scheduler.start()  # ok: SCL003
""",
        # ready() that connects signals, and a thread there that runs once and ends.
        """
import threading

from django.apps import AppConfig

class ShopConfig(AppConfig):
    name = "shop"

    def ready(self):
        from shop import signals  # noqa: F401
        warm = threading.Thread(target=warm_price_cache, daemon=True)
        warm.start()  # ok: SCL003
""",
    )
    INVALID = (
        # A periodic job that runs until shutdown, and a sweeper thread, both started by every worker's lifespan.
        """
import asyncio
import threading
import time
from contextlib import asynccontextmanager
from fastapi import FastAPI

async def accrue_idle_fees(stop: asyncio.Event):
    while not stop.is_set():
        await charge_idle_sessions()
        try:
            await asyncio.wait_for(stop.wait(), timeout=60)
        except asyncio.TimeoutError:
            pass

def release_holds_forever():
    while True:
        release_expired_holds()
        time.sleep(60)

@asynccontextmanager
async def lifespan(app: FastAPI):
    stop = asyncio.Event()
    fees = asyncio.create_task(accrue_idle_fees(stop))  # expect: SCL003
    threading.Thread(target=release_holds_forever, daemon=True).start()  # expect: SCL003
    yield
    stop.set()
    await fees

app = FastAPI(lifespan=lifespan)
""",
        # Django runs each app's ready() in every process it starts.
        """
import threading
import time

from django.apps import AppConfig

def _expire_holds_forever():
    while True:
        expire_holds()
        time.sleep(60)

class HoldsConfig(AppConfig):
    name = "holds"

    def ready(self):
        sweeper = threading.Thread(target=_expire_holds_forever, daemon=True)
        sweeper.start()  # expect: SCL003
""",
        """
import threading
import time
from contextlib import asynccontextmanager
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from fastapi import FastAPI
from flask import Flask

scheduler = AsyncIOScheduler()

def mark_lost_drones(app):
    while True:
        sweep(app)
        time.sleep(60)

def create_app():
    app = Flask(__name__)
    threading.Thread(target=mark_lost_drones, args=(app,), daemon=True).start()  # expect: SCL003
    return app

@asynccontextmanager
async def lifespan(app: FastAPI):
    scheduler.add_job(poll_feeds, "interval", minutes=5)
    scheduler.start()  # expect: SCL003
    yield
""",
        """
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

def _start_scheduler(app):
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(remind, "cron", hour=9, args=[app])
    scheduler.start()  # expect: SCL003
    return scheduler

def create_app():
    app = Flask(__name__)
    _start_scheduler(app)
    return app
""",
        """
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

def create_app():
    app = Flask(__name__)
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(remind, "cron", hour=9)
    scheduler.start()  # expect: SCL003
    return app
""",
        """
import asyncio
from contextlib import asynccontextmanager
from fastapi import FastAPI

async def summary_loop():
    while True:
        await asyncio.sleep(3600)
        await send_summaries()

@asynccontextmanager
async def lifespan(app: FastAPI):
    task = asyncio.create_task(summary_loop())  # expect: SCL003
    yield
    task.cancel()

app = FastAPI(lifespan=lifespan)
""",
        """
from apscheduler.schedulers.background import BackgroundScheduler
from newsletter.celery_app import celery

scheduler = BackgroundScheduler(timezone="UTC")
scheduler.add_job(dispatch_due_campaigns, "interval", minutes=1)
scheduler.start()  # expect: SCL003
""",
        """
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

app = Flask(__name__)

scheduler = BackgroundScheduler()
scheduler.add_job(expire_trials, "interval", minutes=10)
scheduler.start()  # expect: SCL003
""",
        """
import threading
import time
import schedule
from fastapi import FastAPI

app = FastAPI()
schedule.every(5).minutes.do(refresh_exchange_rates)

def _run_schedule():
    while True:
        schedule.run_pending()
        time.sleep(1)

threading.Thread(target=_run_schedule, daemon=True).start()  # expect: SCL003
""",
        """
import asyncio
from aiohttp import web
from . import surcharges

async def on_startup(app: web.Application) -> None:
    app["surcharge_task"] = asyncio.create_task(surcharges.run_forever(app))  # expect: SCL003
""",
        # aiohttp: a start-up hook registered by name.
        """
import asyncio
from aiohttp import web

async def _refresh(app):
    while True:
        await rebuild(app)
        await asyncio.sleep(60)

async def start_jobs(app):
    app["refresher"] = asyncio.create_task(_refresh(app))  # expect: SCL003

def make_app():
    app = web.Application()
    app.on_startup.append(start_jobs)
    return app
""",
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._guards: list[bool] = []
        self._forever_loops: set[str] = set()  # module-level coroutines that sleep in a `while True` loop
        # Module-level sync functions that sleep in a `while True` loop, run in a thread: read when a thread is
        # first started in a function (most files start none).
        self._forever_functions: set[str] | None = None
        self._module: cst.Module | None = None
        self._is_script = False  # run as a program (a main guard, or a loop that keeps it alive), not imported
        # Background schedulers started in module functions, and the functions the app factory calls by name.
        self._started_in: list[tuple[cst.Call, str, str]] = []
        self._factory_calls: set[str] = set()
        self._registered_hooks: set[str] = set()  # module functions registered as start-up hooks by name
        self._relative_imports: set[str] = set()  # `from . import surcharges`: modules of the same package

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        # aiohttp's `app.on_startup.append(start_jobs)`, Starlette's `add_event_handler("startup", start_jobs)` and
        # `on_startup=[start_jobs]`: hooks registered by name rather than by decorator. Read only in files that
        # mention one.
        if "startup" in self.ctx.text:
            self._registered_hooks = _registered_startup_hooks(node)
        for statement in node.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.ImportFrom) and small.relative and not isinstance(small.names, cst.ImportStar):
                        self._relative_imports |= {(alias.asname.name.value if alias.asname is not None
                                                    and isinstance(alias.asname.name, cst.Name) else
                                                    attribute_path(alias.name) or "") for alias in small.names}
            if (isinstance(statement, cst.FunctionDef) and statement.asynchronous is not None
                    and _sleeps_in_forever_loop(statement)):
                self._forever_loops.add(statement.name.value)
            elif isinstance(statement, cst.While) or (isinstance(statement, cst.If)
                                                      and is_main_guard(statement.test)):
                self._is_script = True

    def visit_If(self, node: cst.If) -> None:
        at_module_level = not self.ctx.function_stack and not self.ctx.class_stack
        self._guards.append(at_module_level and self._is_guard(node.test))

    def leave_If(self, original_node: cst.If) -> None:
        self._guards.pop()

    def _is_guard(self, test: cst.BaseExpression) -> bool:
        if is_main_guard(test):
            return True
        mentions_environment = any(
            (self.ctx.qualify(node) or "").startswith(("os.environ", "os.getenv"))
            for node in findall(test, (cst.Name, cst.Attribute)))
        mentions_reloader = any(_RELOADER_FLAG in string.value for string in findall(test, cst.SimpleString))
        return mentions_environment and not mentions_reloader

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.is_test:
            return
        name = ctx.qualify(node.func) or ""
        if ctx.function_stack:
            if ctx.is_web_app and len(ctx.function_stack) == 1 and not ctx.class_stack and (_is_startup_hook(
                    ctx.function_stack[-1]) or ctx.function_stack[-1].name.value in self._registered_hooks) and (
                    self._starts_forever_loop(node, name) or self._background_scheduler_start(node)
                    or self._starts_forever_thread(node)):
                self._report(node, short_name(name), where="at start-up")
            elif (len(ctx.function_stack) == 1 and len(ctx.class_stack) == 1 and not any(self._guards)
                  and ctx.function_stack[0].name.value == "ready" and _is_app_config(ctx.class_stack[0])
                  and (self._background_scheduler_start(node) or self._starts_forever_thread(node))):
                # Django runs every app's `ready()` in each process it starts: each web worker, each
                # management command, each Celery worker that sets Django up.
                self._report(node, short_name(name), where="in `AppConfig.ready`")
            elif len(ctx.function_stack) == 1 and not ctx.class_stack and not any(self._guards):
                function = ctx.function_stack[0]
                if self._background_scheduler_start(node) or self._starts_forever_thread(node):
                    self._started_in.append((node, short_name(name), function.name.value))
                elif function.name.value in APP_FACTORIES and isinstance(node.func, cst.Name):
                    self._factory_calls.add(node.func.value)
            return
        if ctx.class_stack or any(self._guards):
            return
        if not ctx.is_web_app:
            # A background scheduler started by an imported module runs in every process that imports it
            # (each web worker, each Celery worker), web framework or not; a BlockingScheduler, or a script
            # that keeps itself alive, is its own process.
            if not self._is_script and self._background_scheduler_start(node):
                self._report(node, short_name(name), where="at import time")
            return
        if _starts_task(name):
            self._report(node, short_name(name))
            return
        started = self._started(node)
        if started is None:
            return
        text = (attribute_path(node.func.value) or "").rsplit(".", 1)[-1].lower()
        if started in THREAD_CONSTRUCTORS or started.startswith(_SCHEDULER_PACKAGES) or "sched" in text:
            self._report(node, short_name(name))

    def leave_Module(self, original_node: cst.Module) -> None:
        # A background scheduler started in the app factory, or in a function of this module it calls
        # (`_start_scheduler(app)`), starts in every worker process.
        for node, what, function in self._started_in:
            if function in APP_FACTORIES or function in self._factory_calls:
                self._report(node, what, where="in the app factory")

    def _started(self, node: cst.Call) -> str | None:
        """What `x.start()` starts, by what made `x`: `threading.Thread`, `apscheduler....BackgroundScheduler`."""
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "start":
            return None
        receiver = func.value
        return (self.ctx.qualify(receiver.func if isinstance(receiver, cst.Call) else receiver) or "").removesuffix("()")

    def _starts_forever_thread(self, node: cst.Call) -> bool:
        """`threading.Thread(target=mark_lost_drones, ...).start()` where the target is this module's function that
        sleeps in a `while True` loop: a periodic job in a thread."""
        if self._started(node) not in THREAD_CONSTRUCTORS or not isinstance(node.func, cst.Attribute):
            return False
        made = node.func.value
        if isinstance(made, cst.Name) and self.ctx.function_stack:
            made = _assigned_in(self.ctx.function_stack[-1], made.value) or made  # `t = Thread(...)`, `t.start()`
        found = keyword(made, "target") if isinstance(made, cst.Call) else None
        target = found.value if found is not None else None
        if not isinstance(target, cst.Name):
            return False
        if self._forever_functions is None:
            self._forever_functions = {f.name.value for f in (self._module.body if self._module else ())
                                       if isinstance(f, cst.FunctionDef) and f.asynchronous is None
                                       and _sleeps_in_forever_loop(f)}
        return target.value in self._forever_functions

    def _background_scheduler_start(self, node: cst.Call) -> bool:
        started = self._started(node)
        return started is not None and started.startswith("apscheduler.") and not started.endswith("BlockingScheduler")

    def _starts_forever_loop(self, node: cst.Call, name: str) -> bool:
        """`asyncio.create_task(poll_forever())` where `poll_forever` is this module's `while True` coroutine."""
        if not _starts_task(name):
            return False
        coroutine = node.args[0].value if node.args else None
        if not isinstance(coroutine, cst.Call):
            return False
        if isinstance(coroutine.func, cst.Name) and coroutine.func.value in self._forever_loops:
            return True
        # `asyncio.create_task(surcharges.run_forever(app))`: another module's coroutine, named for a loop that
        # never ends (its body is not read here, so only the name can say so).
        imported = self.ctx.imports.keys() | self._relative_imports
        if isinstance(coroutine.func, cst.Name):  # `from .anomalies import anomaly_scan_loop`
            return coroutine.func.value in imported and bool(_PERIODIC_NAME.search(coroutine.func.value))
        return (isinstance(coroutine.func, cst.Attribute) and isinstance(coroutine.func.value, cst.Name)
                and coroutine.func.value.value in imported
                and bool(_PERIODIC_NAME.search(coroutine.func.attr.value)))

    def _report(self, node: cst.Call, what: str, where: str = "at import time in a web app") -> None:
        self.report(node, f"`{what}` runs {where}: every worker process and replica starts its own copy, so "
                          "scheduled jobs run several times and die with the worker.")


def _is_app_config(cls: cst.ClassDef) -> bool:
    return any((attribute_path(base.value) or "").rsplit(".", 1)[-1] == "AppConfig" for base in cls.bases)


def _assigned_in(function: cst.FunctionDef, name: str) -> cst.BaseExpression | None:
    """The value of the last plain `name = ...` in the function's own body."""
    found = None
    for node in own_nodes(function.body):
        if (isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name)
                and node.targets[0].target.value == name):
            found = node.value
    return found


# A coroutine named for running forever on a schedule: `run_forever`, `refresh_loop`, `poll_periodically`.
_PERIODIC_NAME = re.compile(r"forever|_loop$|^loop_|periodic|_every_|scheduler")


def _starts_task(name: str) -> bool:
    """`asyncio.create_task(...)`, `asyncio.ensure_future(...)`, `loop.create_task(...)`."""
    return name in _TASK_STARTERS or (name.startswith("asyncio.") and name.endswith(".create_task"))


_STARTUP_NAMES = frozenset({"lifespan", "startup", "on_startup", "app_lifespan"})


def _is_startup_hook(function: cst.FunctionDef) -> bool:
    """A lifespan function or a start-up hook: it runs once in every worker process."""
    if function.name.value in _STARTUP_NAMES:
        return True
    for decorator in function.decorators:
        expr = decorator.decorator
        if isinstance(expr, cst.Call) and (attribute_path(expr.func) or "").endswith("on_event") and expr.args:
            first = expr.args[0].value
            if isinstance(first, cst.SimpleString) and first.evaluated_value == "startup":
                return True
    return False


def _registered_startup_hooks(module: cst.Module) -> set[str]:
    """Names of functions registered as start-up hooks: `app.on_startup.append(f)`,
    `app.add_event_handler("startup", f)`, `Starlette(on_startup=[f])`."""
    found = set()
    for call in findall(module, cst.Call):
        path = attribute_path(call.func) or ""
        if path.endswith("on_startup.append") and call.args and isinstance(call.args[0].value, cst.Name):
            found.add(call.args[0].value.value)
        elif (path.endswith("add_event_handler") and len(call.args) == 2
              and isinstance(call.args[0].value, cst.SimpleString) and call.args[0].value.evaluated_value == "startup"
              and isinstance(call.args[1].value, cst.Name)):
            found.add(call.args[1].value.value)
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "on_startup" and isinstance(arg.value, cst.List):
                found |= {el.value.value for el in arg.value.elements if isinstance(el.value, cst.Name)}
    return found


def _sleeps_in_forever_loop(function: cst.FunctionDef) -> bool:
    """`while True: await asyncio.sleep(...)`: a periodic job; also one that runs until a stop event is set and
    waits on it between runs (`while not stop.is_set(): ...; await asyncio.wait_for(stop.wait(), timeout=60)`),
    the graceful form of the same loop. A loop that waits on a queue (`await q.get()`) consumes its own
    process's work and is fine once per worker."""
    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.While) and runs_until_shutdown(node):
            return any(isinstance(inner, cst.Call) and _pauses(inner) for inner in descendants(node.body))
        if not isinstance(node, NESTED_SCOPES):
            stack.extend(children(node))
    return False


def _pauses(call: cst.Call) -> bool:
    """`time.sleep(60)`, `await asyncio.sleep(60)`, an event's `stop.wait(60)` or `wait_for(stop.wait(), 60)`."""
    if (attribute_path(call.func) or "").endswith("sleep"):
        return True
    if method(call) == "wait" and call.args:
        return True  # `threading.Event.wait(timeout)`: sleeps unless told to stop
    first = call.args[0].value if call.args else None
    return ((attribute_path(call.func) or "").endswith("wait_for") and isinstance(first, cst.Call)
            and method(first) == "wait" and len(call.args) > 1)


