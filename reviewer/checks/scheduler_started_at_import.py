"""SCL003: a scheduler, timer or background loop started when a web app's module is imported."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from reviewer.checks._base import FileContext, PythonCheck, attribute_path
from reviewer.checks._runtime import THREAD_CONSTRUCTORS, short_name

_SCHEDULER_PACKAGES = ("apscheduler.", "flask_apscheduler.")
_TASK_STARTERS = frozenset({"asyncio.create_task", "asyncio.ensure_future"})
_MAIN_GUARD = m.Comparison(
    left=m.Name("__name__"), comparisons=[m.ComparisonTarget(operator=m.Equal(), comparator=m.SimpleString())])
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

    ## Known limits
    Schedulers started in a startup hook (`@app.on_event("startup")`, a lifespan function, Django's
    `AppConfig.ready`) run once per worker too but are not reported, nor are schedulers started in
    a helper module that does not import a web framework itself.
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
    )
    INVALID = (
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
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._guards: list[bool] = []

    def visit_If(self, node: cst.If) -> None:
        at_module_level = not self.ctx.function_stack and not self.ctx.class_stack
        self._guards.append(at_module_level and self._is_guard(node.test))

    def leave_If(self, original_node: cst.If) -> None:
        self._guards.pop()

    def _is_guard(self, test: cst.BaseExpression) -> bool:
        if m.matches(test, _MAIN_GUARD):
            return True
        mentions_environment = any(
            (self.ctx.qualify(node) or "").startswith(("os.environ", "os.getenv"))
            for node in m.findall(test, m.Name() | m.Attribute()))
        mentions_reloader = any(_RELOADER_FLAG in string.value for string in m.findall(test, m.SimpleString()))
        return mentions_environment and not mentions_reloader

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.function_stack or ctx.class_stack or any(self._guards) or ctx.is_test or not ctx.is_web_app:
            return
        name = ctx.qualify(node.func) or ""
        if name in _TASK_STARTERS or (name.startswith("asyncio.") and name.endswith(".create_task")):
            self._report(node, short_name(name))
            return
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "start":
            return
        receiver = func.value
        started = ctx.qualify(receiver.func if isinstance(receiver, cst.Call) else receiver) or ""
        started = started.removesuffix("()")
        text = (attribute_path(receiver) or "").rsplit(".", 1)[-1].lower()
        if started in THREAD_CONSTRUCTORS or started.startswith(_SCHEDULER_PACKAGES) or "sched" in text:
            self._report(node, short_name(name))

    def _report(self, node: cst.Call, what: str) -> None:
        self.report(node, f"`{what}` runs at import time in a web app: every worker process and replica starts "
                          "its own copy, so scheduled jobs run several times and die with the worker.")
