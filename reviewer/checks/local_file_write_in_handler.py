"""SCL002: a request handler that writes to the local filesystem."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from reviewer.checks._base import FileContext, PythonCheck, attribute_path, findall, keyword
from reviewer.checks._data import handed_function
from reviewer.checks._runtime import bound_names, positional_arg, short_name, thread_target, write_mode

_OPENERS = frozenset({"open", "io.open", "codecs.open"})
# (function, index of the destination argument, its keyword name)
_COPIES = {
    "shutil.copy": (1, "dst"), "shutil.copy2": (1, "dst"), "shutil.copyfile": (1, "dst"),
    "shutil.copytree": (1, "dst"), "shutil.move": (1, "dst"), "os.rename": (1, "dst"),
    "os.replace": (1, "dst"), "os.renames": (1, "new"),
}
_PATH_WRITES = frozenset({"write_text", "write_bytes"})
# pandas' writers, given a file path as their first argument (`df.to_csv(REPORT_DIR / name)`); given a buffer or a
# response object they write no file.
_FRAME_WRITES = frozenset({"to_csv", "to_excel", "to_parquet", "to_json", "to_pickle", "to_feather", "to_hdf",
                           "to_stata", "to_orc"})
_LOCAL_STORAGE_SAVE = "django.core.files.storage.FileSystemStorage().save"
# Libraries whose objects `save(path)` to a file: Pillow images, openpyxl workbooks.
_IMAGE_MODULES = ("PIL", "openpyxl")
# Paths that are scratch space, devices or process-private: writing there is not durable state.
_SCRATCH_PREFIXES = ("/tmp", "/var/tmp", "/dev/", "/proc/")
# `tmp`, `temp_dir`, `tmpfile`, `work_tmp`; not `template` or `temperature`.
_TEMP_NAME = re.compile(r"(^|_)te?mp(dir|file|path|name)?(_|$)", re.IGNORECASE)
# A directory named as shared between the replicas (`SHARED_MEDIA_DIR`, `settings.nfs_root`): a mounted volume.
_SHARED_NAME = re.compile(r"(^|_)(shared|nfs|efs)(_|$)", re.IGNORECASE)
_UPLOAD_COLLECTION = "request.files"
# reportlab writes the PDF to the path it is given: `canvas.Canvas(str(path))`, `SimpleDocTemplate(path)`.
_PDF_WRITERS = frozenset({"reportlab.pdfgen.canvas.Canvas", "reportlab.platypus.SimpleDocTemplate",
                          "reportlab.platypus.doctemplate.SimpleDocTemplate"})
# Calls that queue work for a worker process: Celery, RQ, arq, Dramatiq, taskiq.
_QUEUEING = frozenset({"delay", "apply_async", "enqueue", "enqueue_call", "enqueue_in", "enqueue_at", "enqueue_job",
                       "send", "send_with_options", "kiq"})
# A module of background jobs: `from orders.tasks import make_preview` (a Huey task runs when called).
_JOB_MODULE = re.compile(r"(^|\.)(tasks|jobs|workers|actors)\.\w+$")


@dataclass
class _Frame:
    """One function being visited: whether it serves requests, and what its local names hold."""

    in_handler: bool
    helper: str | None = None  # a module-level function that does not serve requests: its writes are noted
    temp_names: set[str] = field(default_factory=set)
    upload_names: set[str] = field(default_factory=set)
    # scratch files this handler wrote: the names in the path -> the write
    scratch_writes: dict[str, cst.Call] = field(default_factory=dict)


class LocalFileWriteInHandler(PythonCheck):
    """A request handler that writes files to the local disk.

    ## What it does
    Inside a request handler, reports `open(path, mode)` with a write, append, create or update mode,
    `FileStorage.save(...)` on a Flask/Werkzeug upload (`request.files[...]`, `request.files.get(...)`,
    `request.files.getlist(...)`), Django's `FileSystemStorage().save`, a Pillow image's or openpyxl workbook's
    `save(path)` to a path written out, `shutil.copy*`/`shutil.move`/
    `os.rename`/`os.replace`, `Path.write_text`/`write_bytes`, and pandas' `to_csv`/`to_excel`/`to_parquet`/...
    given a file path (a string, `DIR / name`, `os.path.join(...)`, `Path(...)`; not a buffer or a response),
    also when a module-level helper of the
    same file does the write for the handler, called by name or handed to a thread (`asyncio.to_thread(f, ...)`,
    `Thread(target=f)`; reported at the call, naming the helper's write; `with open(...) as fh:` spans to the
    block's first statement, where the writing starts), and reportlab's `canvas.Canvas(path)` /
    `SimpleDocTemplate(path)` given a path (not a buffer). Writes into temporary space
    (`tempfile`, `/tmp`, names bound from them, names such as `tmp_dir` or `temp_path`) are scratch
    files and are not reported, unless the handler then hands the file's path to a background job
    (`.delay(...)`, `.enqueue(...)`, `.send(...)`, a function imported from a `tasks`/`jobs` module): the
    worker runs in another container, where the file does not exist.

    ## Why is this bad?
    Containers have ephemeral disks and replicas do not share them: an upload saved on one pod is a
    404 on the next request served by another pod, and everything is lost on redeploy, rescheduling
    or autoscaling. Durable files belong in object storage (S3, GCS) or a database.

    ## Known limits
    The path is not evaluated: a write to a mounted shared volume (NFS, EFS) is reported like any
    other, unless a name in the path (or in what a helper of the file returns for it) calls the directory shared
    (`SHARED_MEDIA_DIR`, `settings.nfs_root`). `default_storage.save` and other storage backends are not reported
    since they may be
    remote. Writes made in helpers are followed one call deep, only for module-level functions of the
    same file called by name (reported at the handler's call, unless it passes a temporary path); writes
    through `pandas`/`PIL` `save` methods are not followed. Scratch files under `tempfile` that are never cleaned up are not
    reported.
    """

    id = "SCL002"
    VALID = (
        """
import asyncio
from pathlib import Path
from aiohttp import web

def _media_root(app):
    return Path(app["settings"].shared_media_dir)

async def upload_photo(request: web.Request) -> web.Response:
    data = await request.read()
    target = _media_root(request.app) / request.match_info["name"]
    await asyncio.to_thread(target.write_bytes, data)  # ok: SCL002
    return web.json_response({"ok": True}, status=201)
""",
        # Django's storage API writes where the project's storage is (S3 with django-storages), not to this disk.
        """
import os
import uuid

from django.core.files.storage import default_storage
from django.http import JsonResponse
from PIL import Image

def add_photo(request, pk):
    upload = request.FILES["photo"]
    Image.open(upload).verify()
    name = default_storage.save(os.path.join("inspections", str(pk), f"{uuid.uuid4().hex}.jpg"), upload)  # ok: SCL002
    return JsonResponse({"name": name}, status=201)
""",
        """
import boto3
from flask import Flask, request
from werkzeug.utils import secure_filename

app = Flask(__name__)
s3 = boto3.client("s3")

@app.post("/avatars")
def upload_avatar():
    upload = request.files["avatar"]
    key = f"avatars/{secure_filename(upload.filename)}"
    s3.upload_fileobj(upload.stream, "user-media", key)  # ok: SCL002
    return {"key": key}, 201
""",
        """
import subprocess
import tempfile
from flask import Flask, request, send_file

app = Flask(__name__)

@app.post("/convert")
def convert():
    with tempfile.TemporaryDirectory() as workdir:
        source = f"{workdir}/in.docx"
        request.files["document"].save(source)  # ok: SCL002
        subprocess.run(["soffice", "--convert-to", "pdf", source, "--outdir", workdir], check=True, timeout=60)
        with open(f"{workdir}/in.pdf", "rb") as pdf:  # ok: SCL002
            return send_file(pdf, mimetype="application/pdf")
""",
        """
from fastapi import FastAPI

app = FastAPI()

@app.get("/terms")
def terms():
    with open("static/terms.md") as f:  # ok: SCL002
        return {"text": f.read()}
""",
        """
def write_report(rows, path):
    # A batch job, not a request handler.
    with open(path, "w") as out:  # ok: SCL002
        out.writelines(rows)
""",
        # pandas filling the response, or returning the text: no file on this replica.
        """
import io
import pandas as pd
from flask import Flask, Response

app = Flask(__name__)

@app.get("/reports.csv")
def report_csv():
    buffer = io.StringIO()
    pd.DataFrame(load_rows()).to_csv(buffer, index=False)  # ok: SCL002
    return Response(pd.DataFrame(load_rows()).to_csv(index=False), mimetype="text/csv")  # ok: SCL002
""",
        # A PDF drawn into memory and sent back; a scratch file used and deleted within the request.
        """
import io
import tempfile
from flask import Blueprint, send_file
from reportlab.pdfgen import canvas

bp = Blueprint("certificates", __name__)

@bp.get("/bells/<int:bell_id>/certificate.pdf")
def certificate(bell_id: int):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)  # ok: SCL002
    pdf.drawString(72, 720, f"Bell {bell_id}")
    pdf.save()
    buffer.seek(0)
    return send_file(buffer, mimetype="application/pdf")

@bp.post("/bells/<int:bell_id>/scan")
def scan(bell_id: int):
    with tempfile.NamedTemporaryFile(suffix=".png") as tmp:
        with open(tmp.name, "wb") as fh:  # ok: SCL002
            fh.write(request.get_data())
        tuning = analyse_scan(tmp.name)
    return {"bell_id": bell_id, "tuning": tuning}
""",
    )
    INVALID = (
        """
import uuid
from fastapi import UploadFile
from starlette.concurrency import run_in_threadpool

@router.post("/tickets/{ticket_id}/photos")
async def upload_photo(ticket_id: int, file: UploadFile):
    data = await file.read()
    name = f"{ticket_id}-{uuid.uuid4().hex}.jpg"
    await run_in_threadpool((PHOTO_DIR / name).write_bytes, data)  # expect: SCL002
    return {"name": name}
""",
        """
import io
import os

from flask import Flask, current_app, request
from PIL import Image

app = Flask(__name__)

@app.post("/photos")
def upload_photo():
    image = Image.open(request.files["photo"].stream)
    image.thumbnail((800, 800))
    name = f"{request.form['project']}.jpg"
    image.save(os.path.join(current_app.config["PREVIEW_DIR"], name), "JPEG")  # expect: SCL002
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")  # ok: SCL002
    return {"preview": name}
""",
        # An aiohttp handler: a coroutine taking the request alone, routed where the app is built.
        """
from aiohttp import web

async def upload_logo(request: web.Request) -> web.Response:
    form = await request.post()
    with open(f"/srv/logos/{request.match_info['shop']}.png", "wb") as fh:  # expect: SCL002
        fh.write(form["logo"].file.read())
    return web.json_response({"ok": True})
""",
        """
import csv
import os
import tempfile
from flask import Flask, jsonify

app = Flask(__name__)
EXPORT_DIR = "/srv/exports"

def _write_csv(path, rows):
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)

@app.post("/exports")
def export():
    path = os.path.join(EXPORT_DIR, "latest.csv")
    _write_csv(path, load_rows())  # expect: SCL002
    return jsonify(download="/exports/latest.csv")

@app.post("/exports/preview")
def preview():
    with tempfile.TemporaryDirectory() as tmp_dir:
        _write_csv(os.path.join(tmp_dir, "p.csv"), load_rows())  # ok: SCL002
        return jsonify(rows=count_rows(tmp_dir))
""",
        """
import os
from flask import Flask, request
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOAD_FOLDER = "/srv/app/uploads"

@app.post("/documents")
def upload_document():
    document = request.files.get("document")
    path = os.path.join(UPLOAD_FOLDER, secure_filename(document.filename))
    document.save(path)  # expect: SCL002
    with open(path + ".meta", "w") as meta:  # expect: SCL002
        meta.write(request.form.get("title", ""))
    return {"path": path}, 201
""",
        """
from pathlib import Path
from fastapi import FastAPI, UploadFile

app = FastAPI()
MEDIA = Path("media")

@app.post("/images")
async def upload_image(image: UploadFile):
    (MEDIA / image.filename).write_bytes(await image.read())  # expect: SCL002
    return {"url": f"/media/{image.filename}"}
""",
        """
import shutil
from django.http import JsonResponse

def publish(request, report_id):
    shutil.copy(f"drafts/{report_id}.pdf", f"published/{report_id}.pdf")  # expect: SCL002
    with open("published/index.txt", "a") as index:  # expect: SCL002
        index.write(f"{report_id}\\n")
    return JsonResponse({"ok": True})
""",
        # pandas writes the report file itself.
        """
import pandas as pd
from flask import Flask

app = Flask(__name__)

@app.post("/reports")
def build_report():
    frame = pd.DataFrame(load_rows())
    frame.to_csv(REPORT_DIR / "usage.csv", index=False)  # expect: SCL002
    return {"ok": True}
""",
        # A scratch file is fine for this request, not for a job a worker runs in another container.
        """
from pathlib import Path
from django.views.decorators.http import require_POST
from orders.tasks import make_preview_from_upload

UPLOAD_TMP = Path("/tmp/uploads")

@require_POST
def upload_proof(request, reference):
    upload = request.FILES["proof"]
    local_path = UPLOAD_TMP / f"{reference}.png"
    with open(local_path, "wb") as fh:  # expect: SCL002
        for chunk in upload.chunks():
            fh.write(chunk)
    make_preview_from_upload(str(local_path))
    return JsonResponse({"status": "queued"}, status=202)
""",
        # reportlab writes the PDF where it is told, here through a helper of the module.
        """
from pathlib import Path
from flask import Blueprint, current_app, jsonify
from reportlab.pdfgen import canvas

bp = Blueprint("certificates", __name__)

def _render(path: Path, title: str) -> None:
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 720, title)
    pdf.save()

@bp.post("/bells/<int:bell_id>/certificate")
def issue(bell_id: int):
    pdf_path = Path(current_app.config["REPORT_DIR"]) / f"certificate-{bell_id}.pdf"
    _render(pdf_path, f"Bell {bell_id}")  # expect: SCL002
    return jsonify({"bell_id": bell_id}), 202
""",
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._frames: list[_Frame] = []
        # module-level helper -> what it writes, and where
        self._helper_writes: dict[str, tuple[str, cst.Call]] = {}
        self._helper_calls: list[tuple[cst.Call, str]] = []  # calls by name from handlers, judged at the end
        self._withs: list[cst.With] = []
        self._module_functions: dict[str, cst.FunctionDef] = {}

    def visit_Module(self, node: cst.Module) -> None:
        self._module_functions = {s.name.value: s for s in node.body if isinstance(s, cst.FunctionDef)}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        in_handler = self.ctx.in_handler and not self.ctx.is_test
        module_level = len(self.ctx.function_stack) == 1 and not self.ctx.class_stack
        self._frames.append(_Frame(in_handler=in_handler,
                                   helper=node.name.value if module_level and not in_handler else None))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._frames.pop()

    def leave_Module(self, original_node: cst.Module) -> None:
        for call, callee in self._helper_calls:
            found = self._helper_writes.get(callee)
            if found is not None:
                self._report(call, f"{callee}()", through=found[0], at=found[1])

    @property
    def _handler(self) -> _Frame | None:
        """The current function's frame when it runs per request, or is a module-level helper, else None."""
        if not self._frames or self.ctx.is_test:
            return None
        frame = self._frames[-1]
        return frame if frame.in_handler or frame.helper is not None else None

    # --- bindings -------------------------------------------------------------
    def _bind(self, names: list[str], value: cst.BaseExpression) -> None:
        frame = self._handler
        if frame is None or not names:
            return
        scratch, upload = self._is_scratch(value), self._is_upload(value)
        for name in names:
            (frame.temp_names.add if scratch else frame.temp_names.discard)(name)
            (frame.upload_names.add if upload else frame.upload_names.discard)(name)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(bound_names(target.target), node.value)

    def visit_With(self, node: cst.With) -> None:
        self._withs.append(node)

    def leave_With(self, original_node: cst.With) -> None:
        self._withs.pop()

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(bound_names(node.asname.name), node.item)

    def visit_For(self, node: cst.For) -> None:
        frame = self._handler
        if frame is not None and self._is_upload_collection(node.iter):
            frame.upload_names.update(bound_names(node.target))

    def _is_upload(self, expr: cst.BaseExpression) -> bool:
        """`request.files["f"]` or `request.files.get("f")`: a Werkzeug FileStorage."""
        if isinstance(expr, cst.Subscript):
            return (attribute_path(expr.value) or "").endswith(_UPLOAD_COLLECTION)
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "get":
            return (attribute_path(expr.func.value) or "").endswith(_UPLOAD_COLLECTION)
        frame = self._handler
        return isinstance(expr, cst.Name) and frame is not None and expr.value in frame.upload_names

    @staticmethod
    def _is_upload_collection(expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value in (
                "getlist", "values"):
            return (attribute_path(expr.func.value) or "").endswith(_UPLOAD_COLLECTION)
        return False

    def _is_scratch(self, expr: cst.BaseExpression, depth: int = 0) -> bool:
        """Whether a path expression points into temporary space, or into a directory named as shared between the
        replicas (also through a helper of this module that returns it: `_media_root(app) / name`)."""
        frame = self._handler
        temp_names = frame.temp_names if frame is not None else set()
        for node in findall(expr, (cst.Name, cst.Attribute, cst.SimpleString, cst.FormattedStringText)):
            if isinstance(node, cst.Name):
                if node.value in temp_names or _TEMP_NAME.search(node.value) or _SHARED_NAME.search(node.value):
                    return True
                helper = self._module_functions.get(node.value)
                if helper is not None and depth == 0 and any(
                        returned.value is not None and self._is_scratch(returned.value, depth + 1)
                        for returned in findall(helper.body, cst.Return)):
                    return True
                if (self.ctx.qualify(node) or "").startswith("tempfile."):
                    return True
            elif isinstance(node, cst.Attribute):
                if (self.ctx.qualify(node) or "").startswith(("tempfile.", "os.devnull")) or _SHARED_NAME.search(
                        node.attr.value):
                    return True
            else:
                text = node.value.lstrip("rbuRBUfF").strip("'\"") if isinstance(node, cst.SimpleString) else node.value
                if text.startswith(_SCRATCH_PREFIXES):
                    return True
        return False

    # --- writes ---------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        frame = self._handler
        if frame is None:
            return
        name = self.ctx.qualify(node.func) or ""
        func = node.func
        if frame.in_handler and frame.scratch_writes:
            self._handed_to_worker(node, frame)
        if frame.in_handler and isinstance(func, cst.Name) and not any(self._is_scratch(a.value) for a in node.args):
            self._helper_calls.append((node, func.value))
        target = thread_target(node, self.ctx) if frame.in_handler else None
        if target is not None and not any(self._is_scratch(a.value) for a in node.args):
            # `await asyncio.to_thread(_write_report, ...)`, `Thread(target=_build_export)`
            self._helper_calls.append((node, target))
        handed = handed_function(node, self.ctx)
        if (handed is not None and isinstance(handed.func, cst.Attribute) and handed.func.attr.value in _PATH_WRITES
                and not self._is_scratch(handed.func.value)):
            # `await run_in_threadpool((PHOTO_DIR / name).write_bytes, data)`: the write, made in a thread.
            self._report(node, f"Path.{handed.func.attr.value}")
        elif name in _OPENERS:
            self._check_open(node, name)
        elif name in _PDF_WRITERS and (path := positional_arg(node, 0) or keyword(node, "filename")) is not None and (
                _is_path(path.value) or _is_str_of_path(path.value)) and not self._is_scratch(path.value):
            self._report(node, short_name(name))
        elif name in _COPIES:
            index, key = _COPIES[name]
            destination = keyword(node, key) or positional_arg(node, index)
            if destination is not None and not self._is_scratch(destination.value):
                self._report(node, short_name(name))
        elif name == _LOCAL_STORAGE_SAVE:
            self._report(node, "FileSystemStorage.save")
        elif isinstance(func, cst.Attribute) and func.attr.value == "save" and self._is_upload(func.value):
            destination = keyword(node, "dst") or positional_arg(node, 0)
            if destination is not None and not self._is_scratch(destination.value) and not self._is_buffer(
                    destination.value):
                self._report(node, "FileStorage.save")
        elif (isinstance(func, cst.Attribute) and func.attr.value == "save" and self.ctx.imports_module(*_IMAGE_MODULES)
              and (destination := positional_arg(node, 0)) is not None and _is_path(destination.value)
              and not self._is_scratch(destination.value)
              and "storage" not in (attribute_path(func.value) or "").lower()):
            # `preview.save(os.path.join(PREVIEW_DIR, name), "JPEG")`: a Pillow image (or an openpyxl workbook)
            # saved to a path; given a buffer (`img.save(out, "PNG")`) it writes no file. Django's
            # `default_storage.save(name, upload)` writes wherever the storage is (S3 with django-storages).
            self._report(node, "Image.save")
        elif (isinstance(func, cst.Attribute) and func.attr.value in _PATH_WRITES
              and not self._is_scratch(func.value)):
            self._report(node, f"Path.{func.attr.value}")
        elif isinstance(func, cst.Attribute) and func.attr.value in _FRAME_WRITES and self.ctx.imports_module("pandas"):
            destination = keyword(node, "path_or_buf") or keyword(node, "path") or keyword(node, "excel_writer") \
                or positional_arg(node, 0)
            if destination is not None and _is_path(destination.value) and not self._is_scratch(destination.value):
                self._report(node, f"DataFrame.{func.attr.value}")

    def _check_open(self, node: cst.Call, name: str) -> None:
        mode = write_mode(node)
        path = keyword(node, "file") or positional_arg(node, 0)
        if mode is None or path is None:
            return
        if not self._is_scratch(path.value):
            self._report(node, f"{name}(..., {mode.value})")
        elif (frame := self._handler) is not None and frame.in_handler:
            # A scratch file is fine while this request uses it; handed to a worker, it is not (below).
            for named in findall(path.value, cst.Name):
                frame.scratch_writes.setdefault(named.value, node)

    def _handed_to_worker(self, node: cst.Call, frame: _Frame) -> None:
        """`make_preview.delay(str(local_path))` after writing `local_path` under `/tmp`: the worker runs in another
        container (or on another host), where that file does not exist."""
        name = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
        queued = name in _QUEUEING or (isinstance(node.func, cst.Name) and bool(
            _JOB_MODULE.search(self.ctx.qualify(node.func) or "")))
        if not queued:
            return
        for arg in node.args:
            for named in findall(arg.value, cst.Name):
                write = frame.scratch_writes.get(named.value)
                if write is not None:
                    frame.scratch_writes.clear()
                    self.report(write, f"This file is written to the local disk and its path handed to a background "
                                       f"job (line {self.line_of(node)}): the worker runs in another container or on "
                                       "another host, where the file does not exist.", related=[node])
                    return

    def _is_buffer(self, expr: cst.BaseExpression) -> bool:
        qualified = self.ctx.qualify(expr) or ""
        return qualified.startswith(("io.BytesIO", "io.StringIO"))

    def _report(self, node: cst.Call, what: str, through: str | None = None, at: cst.Call | None = None) -> None:
        frame = self._frames[-1] if self._frames else None
        if through is None and frame is not None and not frame.in_handler:
            if frame.helper is not None:
                self._helper_writes.setdefault(frame.helper, (what, node))
            return
        how = "" if not through else f" (with `{through}` on line {self.line_of(at)})" if at is not None else \
            f" (with `{through}`)"
        # `with open(path, "w") as fh:` spans to the block's first statement, where the writing starts.
        block = self._withs[-1] if self._withs else None
        end = None
        if block is not None and any(item.item is node for item in block.items) and isinstance(
                block.body, cst.IndentedBlock) and block.body.body:
            end = block.body.body[0]
        self.report(node, f"`{what}` writes to the local disk{how} in a request handler: the file exists on this "
                          "replica only and is lost when the container restarts.", end_node=end,
                    related=[at] if at is not None else ())


def _is_str_of_path(expr: cst.BaseExpression) -> bool:
    """`str(path)`, `os.fspath(path)`: a path object handed on as text."""
    return isinstance(expr, cst.Call) and (attribute_path(expr.func) or "") in ("str", "os.fspath") and len(
        expr.args) == 1


def _is_path(expr: cst.BaseExpression) -> bool:
    """A file path written out (`"out.csv"`, `f"{root}/x.csv"`, `BASE / name`, `os.path.join(...)`,
    `Path(...)`), not a buffer or a response object that a writer fills."""
    if isinstance(expr, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)):
        return True
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
        return True
    return isinstance(expr, cst.Call) and (attribute_path(expr.func) or "").rsplit(".", 1)[-1] in ("join", "Path")
