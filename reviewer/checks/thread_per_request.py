"""CON003: a thread or process started for each request and never joined or bounded."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from reviewer.checks._base import FileContext, PythonCheck, is_name, keyword
from reviewer.checks._runtime import THREAD_CONSTRUCTORS, short_name

_RAW_THREAD_STARTS = frozenset({"_thread.start_new_thread", "thread.start_new_thread"})
_NUMBER = (cst.Integer, cst.Float)


@dataclass
class _Starts:
    """Threads one function creates, starts and joins."""

    # local name -> the constructor call that made it
    thread_names: dict[str, cst.Call] = field(default_factory=dict)
    starts: list[tuple[cst.Call, str, cst.Call | None]] = field(default_factory=list)  # node, name, its `.start()`
    joins: bool = False


class ThreadPerRequest(PythonCheck):
    """A `threading.Thread` or `multiprocessing.Process` started inside a request handler and never joined.

    ## What it does
    Reports a `threading.Thread`, `threading.Timer` or `multiprocessing.Process` created and started
    inside a request handler (a routed function, a Django view, a view-class method), chained
    (`Thread(target=send).start()`) or through a local name (`t = Thread(...); t.start()`, reported from
    the constructor to the `start()`), when that function never joins a thread; also `_thread.start_new_thread` there.

    ## Why is this bad?
    Every request creates a new thread or process and nothing limits how many run at once: a burst
    of traffic or a slow downstream service piles up thousands of them until memory, file
    descriptors or the process table run out. Work still running when the worker is recycled or
    redeployed is lost silently, with no retry.

    ## Known limits
    Any thread-like `.join()` in the same function (no argument, a number, or `timeout=`) counts as
    joining. Threads handed to something that joins them later (a module-level list joined at
    shutdown) are still reported. Subclasses of `Thread` and executors created per request are not
    recognised. A module-level `ThreadPoolExecutor(max_workers=N)` used with `.submit` is bounded and
    not reported, nor is FastAPI's `BackgroundTasks`, which runs in the server's bounded thread pool; neither is
    durable (a task queue such as Celery or RQ is), and a background task that sends or charges is REL005's finding.
    """

    id = "CON003"
    VALID = (
        """
from concurrent.futures import ThreadPoolExecutor
from flask import Flask, request

app = Flask(__name__)
email_pool = ThreadPoolExecutor(max_workers=4)

@app.post("/signup")
def signup():
    user = create_user(request.json)
    email_pool.submit(send_welcome_email, user.email)  # ok: CON003
    return {"id": user.id}, 201
""",
        """
import threading
from flask import Flask, request

app = Flask(__name__)

@app.post("/thumbnails")
def thumbnails():
    workers = [threading.Thread(target=resize, args=(f,)) for f in request.files.getlist("images")]
    for worker in workers:
        worker.start()  # ok: CON003
    for worker in workers:
        worker.join(timeout=30)
    return {"done": len(workers)}
""",
        """
import threading

def start_metrics_reporter():
    # Started once at boot by the CLI, not per request.
    reporter = threading.Thread(target=report_forever, daemon=True)
    reporter.start()  # ok: CON003
""",
        """
from fastapi import BackgroundTasks, FastAPI

app = FastAPI()

@app.post("/reports")
def request_report(background_tasks: BackgroundTasks, account_id: int):
    background_tasks.add_task(build_report, account_id)  # ok: CON003
    return {"status": "queued"}
""",
    )
    INVALID = (
        """
import threading
from flask import Flask, request

app = Flask(__name__)

@app.post("/orders")
def create_order():
    order = save_order(request.json)
    threading.Thread(target=send_confirmation, args=(order.id,), daemon=True).start()  # expect: CON003
    return {"id": order.id}, 201
""",
        """
from multiprocessing import Process
from django.http import JsonResponse

def export_csv(request):
    job = Process(target=build_export, args=(request.user.id,))  # expect: CON003
    job.start()
    return JsonResponse({"status": "started"})
""",
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._functions: list[_Starts] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(_Starts())

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        starts = self._functions.pop()
        if not starts.starts or starts.joins or self.ctx.is_test or not self.ctx.in_handler:
            return
        for call, what, start in starts.starts:
            self.report(call, f"`{what}` starts a new thread or process on every request and nothing joins or "
                              "bounds it: under load they pile up until memory runs out, and their work is lost "
                              "on restart.", end_node=start)

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._functions or not isinstance(node.value, cst.Call):
            return
        constructor = self.ctx.qualify(node.value.func)
        if constructor in THREAD_CONSTRUCTORS:
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self._functions[-1].thread_names[target.target.value] = node.value

    def visit_Call(self, node: cst.Call) -> None:
        if not self._functions:
            return
        current = self._functions[-1]
        func = node.func
        if not isinstance(func, cst.Attribute):
            if is_name(func, "start_new_thread") and self.ctx.qualify(func) in _RAW_THREAD_STARTS:
                current.starts.append((node, "start_new_thread", None))
            return
        if func.attr.value == "start_new_thread":
            name = self.ctx.qualify(func) or ""
            if name in _RAW_THREAD_STARTS:
                current.starts.append((node, short_name(name), None))
            return
        receiver = func.value
        if func.attr.value == "start" and not node.args:
            if isinstance(receiver, cst.Call) and self.ctx.qualify(receiver.func) in THREAD_CONSTRUCTORS:
                current.starts.append((node, f"{self.ctx.qualify(receiver.func)}(...).start()", None))
            elif isinstance(receiver, cst.Name) and receiver.value in current.thread_names:
                # Reported where the thread is made (that line says what it runs), up to where it starts.
                constructor = current.thread_names[receiver.value]
                current.starts.append((constructor, f"{self.ctx.qualify(constructor.func)}(...)", node))
        elif func.attr.value == "join" and self._is_thread_join(node, receiver, current):
            current.joins = True

    @staticmethod
    def _is_thread_join(node: cst.Call, receiver: cst.BaseExpression, current: _Starts) -> bool:
        # `", ".join(parts)` and `os.path.join(a, b)` take what to join; `Thread.join` takes at most a timeout.
        if isinstance(receiver, cst.Name) and receiver.value in current.thread_names:
            return True
        if isinstance(receiver, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)):
            return False
        if not node.args or keyword(node, "timeout") is not None:
            return True
        return len(node.args) == 1 and isinstance(node.args[0].value, _NUMBER)
