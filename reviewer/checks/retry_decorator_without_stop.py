"""REL002: a retry decorator or retrying loop from a library, configured to retry forever."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import PythonCheck, findall, has_star_kwargs, is_none, keyword
from reviewer.checks._data import TENACITY_LOOPS, not_production_code, positional, retry_library

# Keywords that put a bound on each library's retries; the library default is to retry forever.
_STOP_KEYWORDS = {
    "tenacity": ("stop",),
    "backoff": ("max_tries", "max_time"),
    "retrying": ("stop", "stop_max_attempt_number", "stop_max_delay", "stop_func"),
    "retry": ("tries",),
}


class RetryDecoratorWithoutStop(PythonCheck):
    """A tenacity, backoff, retrying or retry decorator (or `Retrying(...)`) with no stop condition.

    ## What it does
    Reports `@tenacity.retry` / `@retry` / `@retry(...)` and `tenacity.Retrying(...)` /
    `AsyncRetrying(...)` without `stop=`; `@backoff.on_exception(...)` and `@backoff.on_predicate(...)`
    without `max_tries` or `max_time`; `@retrying.retry(...)` without a `stop_max_*`/`stop` argument; and
    `@retry.retry(...)` (the `retry` package) without `tries`, or with `tries=-1`; and a Celery task
    that retries with `max_retries=None` (`@shared_task(autoretry_for=..., max_retries=None)`,
    `@shared_task(bind=True, max_retries=None)` on a task that calls `self.retry(...)`,
    `self.retry(exc=exc, max_retries=None)` in a bound task). Names are resolved through
    imports and aliases (`from tenacity import retry as retrying`), so a decorator called `retry` that comes
    from somewhere else is not reported.

    ## Why is this bad?
    Each of these libraries retries forever by default (tenacity also waits zero seconds between
    attempts). When the dependency is down for good, the call never returns: the worker is stuck, the
    request never fails, and every caller keeps hammering the service that is trying to recover.

    ## Known limits
    A call that passes `**kwargs` is not reported (the stop may be in there). A stop added later with
    `.retry_with(stop=...)` or `.copy(...)`, or a decorator built by a helper function in another file,
    is not followed. `stamina` and Celery's `autoretry_for` have finite defaults (Celery: 3 retries) and
    are reported only with an explicit `max_retries=None` (on the decorator of a bound task that calls
    `self.retry()`, or on the `self.retry()` call).
    """

    id = "REL002"
    VALID = (
        """
from celery import shared_task

@shared_task(bind=True, max_retries=None)  # ok: REL002
def rebuild_index(self, shard):
    build(shard)
""",
        """
from tenacity import retry, stop_after_attempt, wait_exponential
import requests

@retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=0.5, max=10))  # ok: REL002
def fetch_rates(base):
    response = requests.get(f"https://rates.example.com/{base}", timeout=5)
    response.raise_for_status()
    return response.json()
""",
        """
import backoff
import httpx

@backoff.on_exception(backoff.expo, httpx.HTTPError, max_time=60)  # ok: REL002
def push_event(client, event):
    client.post("/events", json=event).raise_for_status()

@backoff.on_predicate(backoff.fibo, lambda r: r is None, max_tries=8)  # ok: REL002
def poll_job(client, job_id):
    return client.get(f"/jobs/{job_id}").json().get("result")
""",
        """
from tenacity import Retrying, stop_after_delay

def sync_inventory(api, items):
    for attempt in Retrying(stop=stop_after_delay(30), reraise=True):  # ok: REL002
        with attempt:
            api.put_inventory(items)
""",
        """
from myapp.utils import retry

@retry  # ok: REL002
def load_profile(user_id):
    return cache.get(user_id)
""",
        """
import tenacity

RETRY_POLICY = {"stop": tenacity.stop_after_attempt(3), "wait": tenacity.wait_fixed(1)}

@tenacity.retry(**RETRY_POLICY)  # ok: REL002
def refresh_token(session):
    return session.post("https://auth.example.com/token", timeout=5).json()
""",
        """
from retry import retry

@retry(ConnectionError, tries=4, delay=1, backoff=2)  # ok: REL002
def connect(host):
    return open_socket(host)
""",
        """
from celery import shared_task

@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True)  # ok: REL002
def sync_account(account_id):
    crm.push(account_id)

@shared_task(bind=True, max_retries=8)  # ok: REL002
def deliver(self, hook_id):
    try:
        hooks.deliver(hook_id)
    except ConnectionError as exc:
        raise self.retry(exc=exc, countdown=30)  # ok: REL002
""",
    )
    INVALID = (
        """
from celery import shared_task

@shared_task(bind=True, max_retries=None, default_retry_delay=10)  # expect: REL002
def transcode(self, video_id):
    try:
        run_ffmpeg(video_id)
    except FfmpegError as exc:
        raise self.retry(exc=exc)
""",
        """
from tenacity import retry
import requests

@retry  # expect: REL002
def fetch_rates(base):
    response = requests.get(f"https://rates.example.com/{base}", timeout=5)
    response.raise_for_status()
    return response.json()
""",
        """
from tenacity import retry as retrying, wait_exponential, retry_if_exception_type

@retrying(wait=wait_exponential(max=30), retry=retry_if_exception_type(IOError))  # expect: REL002
def upload_report(bucket, report):
    bucket.put_object(Key=report.name, Body=report.data)
""",
        """
import backoff
import httpx

@backoff.on_exception(backoff.expo, httpx.HTTPError)  # expect: REL002
def push_event(client, event):
    client.post("/events", json=event).raise_for_status()
""",
        """
import tenacity

async def sync_inventory(api, items):
    async for attempt in tenacity.AsyncRetrying(wait=tenacity.wait_fixed(2)):  # expect: REL002
        with attempt:
            await api.put_inventory(items)
""",
        """
from retry import retry

@retry(ConnectionError, delay=1, backoff=2)  # expect: REL002
def connect(host):
    return open_socket(host)
""",
        """
from celery import Celery

app = Celery("billing")

@app.task(bind=True, autoretry_for=(Exception,), max_retries=None, default_retry_delay=10)  # expect: REL002
def charge_renewal(self, subscription_id):
    gateway.renew(subscription_id)

@app.task(bind=True)
def refresh_rates(self):
    try:
        rates.refresh()
    except ConnectionError as exc:
        raise self.retry(exc=exc, countdown=5, max_retries=None)  # expect: REL002
""",
    )

    def visit_Decorator(self, node: cst.Decorator) -> None:
        if not_production_code(self.ctx) or isinstance(node.decorator, cst.Call):
            return  # calls are judged in visit_Call
        library = retry_library(node.decorator, self.ctx)
        if library in _STOP_KEYWORDS:
            self.report(node.decorator, _message(library))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """`@app.task(bind=True, max_retries=None)` on a task that calls `self.retry(...)`: it retries forever."""
        if not_production_code(self.ctx) or not node.params.params:
            return
        bound = node.params.params[0].name.value
        for decorator in node.decorators:
            call = decorator.decorator
            if not isinstance(call, cst.Call) or keyword(call, "autoretry_for") is not None:
                continue  # with autoretry_for, visit_Call judges it
            func = call.func
            name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) \
                else None
            limit = keyword(call, "max_retries")
            if name not in ("task", "shared_task") or limit is None or not is_none(limit.value):
                continue
            if any(isinstance(c.func, cst.Attribute) and c.func.attr.value == "retry"
                   and isinstance(c.func.value, cst.Name) and c.func.value.value == bound
                   for c in findall(node.body, cst.Call)):
                self.report(call, "This Celery task retries with `max_retries=None`, so it retries forever: when "
                                  "the dependency stays down the message is never given up and keeps hammering it.",
                            end_node=limit)

    def visit_Call(self, node: cst.Call) -> None:
        if not_production_code(self.ctx) or has_star_kwargs(node):
            return
        if self._celery_retries_forever(node):
            # From the decorator (or `self.retry(`) to the `max_retries=None` that makes it endless.
            self.report(node, "This Celery task retries with `max_retries=None`, so it retries forever: when the "
                              "dependency stays down the message is never given up and keeps hammering it.",
                        end_node=keyword(node, "max_retries"))
            return
        qualified = self.ctx.qualify(node.func)
        library = "tenacity" if qualified in TENACITY_LOOPS else retry_library(node, self.ctx)
        if library not in _STOP_KEYWORDS:
            return
        if library == "retry":
            tries = keyword(node, "tries")
            value = tries.value if tries is not None else positional(node, 1)
            negative = isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus)
            if value is not None and not negative:
                return
        elif any(keyword(node, name) is not None for name in _STOP_KEYWORDS[library]):
            return
        self.report(node, _message(library))


    def _celery_retries_forever(self, node: cst.Call) -> bool:
        """`@shared_task(autoretry_for=..., max_retries=None)` or `self.retry(exc=exc, max_retries=None)`."""
        limit = keyword(node, "max_retries")
        if limit is None or not is_none(limit.value):
            return False
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
        if name in ("task", "shared_task"):
            celery = (self.ctx.qualify(func) or "").startswith("celery") or self.ctx.imports_module("celery")
            return celery and keyword(node, "autoretry_for") is not None
        if name == "retry" and isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            function = self.ctx.function
            params = function.params.params if function is not None else ()
            return bool(params) and params[0].name.value == func.value.value
        return False


def _message(library: str) -> str:
    return (f"This `{library}` retry has no stop condition, so it retries forever: when the dependency stays "
            "down the call never returns and keeps hammering it.")
