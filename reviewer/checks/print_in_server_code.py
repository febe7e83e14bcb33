"""OBS001: `print()` used for output in the code paths of a server or worker."""

from __future__ import annotations

import libcst as cst

from reviewer.checks._base import PythonCheck, WEB_FRAMEWORKS, attribute_path, is_main_guard, keyword

# Modules whose import makes a file part of a long-running server or background worker.
_SERVER_MODULES = ("celery", "dramatiq", "rq", "huey", "arq", "faust", "gunicorn", "uvicorn", "hypercorn",
                   "channels")
_CLI_MODULES = ("argparse", "click", "typer", "fire", "docopt")
_STANDARD_STREAMS = frozenset({"sys.stdout", "sys.stderr", "sys.__stdout__", "sys.__stderr__"})


class PrintInServerCode(PythonCheck):
    """`print()` inside the functions of a web app, server or task-queue worker module.

    ## What it does
    In a module that imports a web framework (Flask, FastAPI, Django, Starlette, aiohttp.web...), a
    task queue (Celery, Dramatiq, RQ, Huey, arq) or a server (gunicorn, uvicorn, hypercorn), reports
    calls to the built-in `print` inside functions, including `print(..., file=sys.stderr)`: stderr is
    unbuffered but still has no level, logger name or context. Not reported: prints at module level,
    under `if __name__ == "__main__":`, in a function named `main`, in CLI commands (functions
    decorated with `*.command()` / `*.group()`, Django `BaseCommand` subclasses), `print(..., file=f)`
    to a file, CLI modules (argparse/click/typer and no server import), and scripts that call `django.setup()`
    themselves (run by hand, outside the server). Test files are skipped.

    ## Why is this bad?
    `print` writes to stdout with no level, timestamp, logger name or request id: it cannot be
    filtered, routed or alerted on, its lines interleave between workers, and stdout is block-
    buffered when it is not a terminal, so the last lines before a crash are often lost. Use a
    module logger (`logger = logging.getLogger(__name__)`).

    In other modules, `print` is reported inside functions decorated as a task (`@celery_app.task`,
    `@shared_task`, `@actor`) or a route (`@router.post(...)`, `@bp.route(...)`), since those run in a worker
    or server whatever the module imports.

    ## Known limits
    A server module that imports its framework only through a local module (`from .app import app`)
    is recognised only inside its decorated tasks and routes. A `print` rebound by an import
    (`from rich import print`) is not reported.
    """

    id = "OBS001"
    EXAMPLE_PATH = "app/views.py"
    VALID = (
        """
import logging

from flask import Flask

app = Flask(__name__)
logger = logging.getLogger(__name__)

@app.get("/health")
def health():
    logger.info("health check")
    return {"status": "ok"}

@app.cli.command("seed")
def seed():
    print("seeded 10 rows")  # ok: OBS001

if __name__ == "__main__":
    print("starting dev server")  # ok: OBS001
    app.run()
""",
        """
import argparse

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    print(parser.parse_args().path)  # ok: OBS001

def report(rows):
    for row in rows:
        print(row)  # ok: OBS001
""",
        """
from fastapi import FastAPI

app = FastAPI()

def export_csv(rows, handle):
    for row in rows:
        print(",".join(row), file=handle)  # ok: OBS001
""",
        """
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")
django.setup()

from shop.models import Product  # noqa: E402

def import_prices(path):
    for line_no, row in enumerate(read_rows(path), start=2):
        if not row.get("sku"):
            print(f"line {line_no}: no sku, skipped")  # ok: OBS001
            continue
        Product.objects.filter(sku=row["sku"]).update(price=row["price"])

if __name__ == "__main__":
    import_prices(sys.argv[1])
""",
    )
    INVALID = (
        """
from .worker import celery_app

@celery_app.task(bind=True, max_retries=3)
def transcode(self, video_id):
    run(video_id)
    print(f"[transcode] {video_id} done")  # expect: OBS001

def report(video_id):
    print(video_id)  # ok: OBS001
""",
        """
from flask import Flask, request

app = Flask(__name__)

@app.post("/orders")
def create_order():
    print("creating order", request.json)  # expect: OBS001
    order = save(request.json)
    return {"id": order.id}, 201
""",
        """
import sys

from celery import shared_task

@shared_task
def send_digest(user_id):
    try:
        deliver(user_id)
    except Exception as error:
        print(f"digest failed for {user_id}: {error}", file=sys.stderr)  # expect: OBS001
        raise
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._main_guards = 0
        self._candidates: list[cst.Call] = []
        self._in_task_or_route: list[cst.Call] = []  # inside a function decorated as a task or a route
        self._standalone = False

    def visit_If(self, node: cst.If) -> None:
        if is_main_guard(node.test):
            self._main_guards += 1

    def leave_If(self, original_node: cst.If) -> None:
        if is_main_guard(original_node.test):
            self._main_guards -= 1

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.function is None and self.ctx.qualify(node.func) == "django.setup":
            self._standalone = True  # a script that boots Django for itself: a command run by hand, not a server
        if self.ctx.is_test or self._main_guards or self.ctx.function is None:
            return
        if not (isinstance(node.func, cst.Name) and node.func.value == "print" and self.ctx.qualify(node.func) == "print"):
            return
        target = keyword(node, "file")
        if target is not None and self.ctx.qualify(target.value) not in _STANDARD_STREAMS:
            return
        if any(self._is_cli_function(fn) for fn in self.ctx.function_stack):
            return
        if any(self._is_management_command(cls) for cls in self.ctx.class_stack):
            return
        self._candidates.append(node)
        if any(_is_task_or_route(fn) for fn in self.ctx.function_stack):
            self._in_task_or_route.append(node)

    def leave_Module(self, original_node: cst.Module) -> None:
        server = (self.ctx.is_web_app or self.ctx.imports_module(*_SERVER_MODULES)) and not self._standalone
        cli_only = self.ctx.imports_module(*_CLI_MODULES) and not self.ctx.imports_module(*WEB_FRAMEWORKS)
        if cli_only:
            return
        for call in self._candidates if server else self._in_task_or_route:
            self.report(call, "`print()` in server code writes unleveled, unstructured text to stdout: it cannot "
                              "be filtered or alerted on, and buffered lines are lost when the worker dies.")

    @staticmethod
    def _is_cli_function(fn: cst.FunctionDef) -> bool:
        if fn.name.value == "main":
            return True
        for decorator in fn.decorators:
            target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
            name = (attribute_path(target) or "").rsplit(".", 1)[-1]
            if name in ("command", "group"):
                return True
        return False

    @staticmethod
    def _is_management_command(class_def: cst.ClassDef) -> bool:
        return any((attribute_path(base.value) or "").endswith("Command") for base in class_def.bases)


_TASK_DECORATORS = frozenset({"task", "shared_task", "actor", "periodic_task"})
_ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete", "websocket"})
_ROUTERS = frozenset({"app", "router", "bp", "blueprint", "api", "routes"})


def _is_task_or_route(fn: cst.FunctionDef) -> bool:
    """`@celery_app.task(...)`, `@shared_task`, `@router.post("/x")`: the function runs in a worker or server,
    even when the module reaches its framework only through a local import (`from .worker import celery_app`)."""
    for decorator in fn.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        path = attribute_path(target) or ""
        owner, _, name = path.rpartition(".")
        if name in _TASK_DECORATORS:
            return True
        receiver = owner.rsplit(".", 1)[-1].lower()
        if name in _ROUTE_DECORATORS and (receiver in _ROUTERS or receiver.endswith(("_bp", "_router", "_api"))):
            return True
    return False
