"""SEC015: a file path built from request input and opened, sent or deleted (path traversal)."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import attribute_path, findall, is_name, is_request_handler
from reviewer.checks._security import SecurityCheck, call_name, is_request_input, string_value

# Sinks whose first argument is a path.
_PATH_SINKS = frozenset({"open", "io.open", "codecs.open", "aiofiles.open", "flask.send_file", "quart.send_file",
                         "starlette.responses.FileResponse", "fastapi.responses.FileResponse",
                         "django.http.FileResponse", "aiohttp.web.FileResponse"})
# Sinks where any argument is a path.
_FS_SINKS = frozenset({"os.remove", "os.unlink", "os.rmdir", "os.rename", "os.replace", "shutil.rmtree", "os.makedirs",
                       "os.mkdir",
                       "shutil.copy", "shutil.copyfile", "shutil.copy2", "shutil.move"})
# pathlib methods that touch the file a tainted path names.
_PATH_METHODS = frozenset({"open", "read_text", "read_bytes", "write_text", "write_bytes", "unlink", "rmdir",
                           "touch", "mkdir"})
_SINK_NAMES = frozenset(q.rsplit(".", 1)[-1] for q in _PATH_SINKS | _FS_SINKS) | {"save"} | _PATH_METHODS
# Calls that keep a value's text (so the taint), and calls that remove any directory part.
_PROPAGATORS = frozenset({"join", "Path", "PurePath", "PosixPath", "abspath", "normpath", "realpath", "expanduser",
                          "joinpath", "format", "strip", "lstrip", "rstrip", "lower", "upper", "replace", "get",
                          "getlist", "pop", "decode", "str", "fspath", "resolve", "absolute", "with_suffix",
                          "removeprefix", "removesuffix"})
_SANITIZERS = frozenset({"secure_filename", "basename", "safe_join", "int", "float", "uuid4", "len", "hexdigest",
                         "slugify", "get_valid_filename", "get_valid_name"})
_SANITIZED_ATTRIBUTES = frozenset({"name", "stem", "suffix"})
# A containment check before use: the function validated the path.
_VALIDATION_CALLS = frozenset({"is_relative_to", "relative_to", "commonpath", "commonprefix", "fullmatch", "match"})
# The project's own path validator, named for it: `validate_path_is_safe(path)`, `_ensure_safe_path(p)`.
_PATH_VALIDATOR = re.compile(r"(validat|sanitiz|check|verify|ensure)\w*path|path\w*(safe|valid)", re.I)
_RESOLVERS = frozenset({"realpath", "abspath", "resolve", "normpath", "absolute"})
_FLASK_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_FASTAPI_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
_NON_TEXT_CONVERTERS = frozenset({"int", "float", "uuid"})
_FASTAPI_SOURCES = frozenset({"Query", "Path", "Form", "File", "Header", "Cookie"})
_TAINT_STATEMENTS = (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.For)


class PathFromRequestInput(SecurityCheck):
    """A file path built from request input, then opened, sent or deleted.

    ## What it does
    Reports `open(...)` (also `io.open`, `aiofiles.open`), `send_file(...)`, `FileResponse(...)` (also aiohttp's),
    `os.remove`/`unlink`/`rename`/`makedirs`, `shutil.copy`/`move`/`rmtree`, pathlib
    `.open/.read_*/.write_*/.unlink` and an uploaded file's `.save(...)` when the path comes from request input: `request.args`, `form`,
    `values`, `json`, `files[...].filename`, `view_args`, Django `request.GET`/`POST`, the parts of aiohttp's
    `await request.multipart()` (`part.filename`), a route parameter
    (`/files/<name>`, `/files/{name}`), a FastAPI `str` query parameter or `UploadFile.filename`, a text field
    of a request body model declared in the module (`body.filename` of `body: ExportRequest`; not one held to a
    `Field(pattern=...)`), or a
    Django view's URL argument. The value is followed through assignments, `os.path.join`, `Path(...)`,
    `/`, f-strings and string methods within the function, and into a function of the module it is handed to
    (called by name or through `asyncio.to_thread(f, ...)`) that uses that parameter as such a path.

    Near-misses: `send_from_directory`, and input passed through `secure_filename`, `os.path.basename`,
    `safe_join`, `Path(x).name` or `int(...)`; a function that calls a validator named for paths
    (`validate_path_is_safe(path)`); a number (`int(...)`, Flask's `args.get("year", type=int)`, a parameter typed
    `int` or `date`) or a FastAPI parameter held to a pattern (`Query(pattern=...)`); a function that checks
    containment
    (`is_relative_to`, `commonpath`, `startswith` on a `realpath`/`resolve()` result, `relative_to` in a `try`;
    not `str(dest.relative_to(ROOT))` kept as the stored name) or `".."` is trusted; an
    allow-list (`if name not in ALLOWED`; not one of types or extensions, `upload.content_type in TYPES`) or a
    character-class test (`name.isalnum()`) clears the input it tests, not the function's other input (an
    allow-listed `unit` says nothing about the upload's file name). A prefix test on the raw name
    (`name.startswith(user_id)`) does not stop `../` and is not a validation.

    The finding spans from the statement that first takes the request input to the last call that uses the path
    (one finding per input: `os.makedirs(folder)` and then `open(os.path.join(folder, name))` are one traversal).

    ## Why is this bad?
    A name like `../../etc/passwd` or an absolute path walks out of the intended folder: the request reads
    configuration and keys, overwrites code or deletes files the service can reach.

    ## Known limits
    Helpers are followed one call deep and within the module only: a helper that hands the path on again, or a
    function of another module, is not followed. Any containment check anywhere in the function counts as validation of all its paths. Test
    files are skipped.
    """

    id = "SEC015"
    VALID = (
        # The body field a path is made of is held to a pattern by the model.
        """
import os
from fastapi import APIRouter
from pydantic import BaseModel, Field

router = APIRouter()

class ExportRequest(BaseModel):
    lang: str = Field(pattern=r"^[a-z]{2}$")
    rows: int = 100

@router.post("/exports")
def create_export(body: ExportRequest):
    with open(os.path.join(EXPORT_DIR, f"{body.lang}.tmx"), "w") as fh:  # ok: SEC015
        fh.write(render(body.lang, body.rows))
    return {"ok": True}
""",
        # Letters and digits only: no `/`, no `..`.
        """
import os
from fastapi import APIRouter, HTTPException

router = APIRouter()

@router.get("/{sku}.jpg")
async def product_image(sku: str):
    if not sku.isalnum():
        raise HTTPException(status_code=404)
    with open(os.path.join(MEDIA_ROOT, f"{sku}.jpg"), "rb") as fh:  # ok: SEC015
        return fh.read()
""",
        """
from flask import Flask, request, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"

@app.get("/files/<path:name>")
def download(name):
    return send_from_directory(UPLOAD_DIR, name)  # ok: SEC015

@app.post("/upload")
def upload():
    file = request.files["document"]
    filename = secure_filename(file.filename)
    file.save(f"{UPLOAD_DIR}/{filename}")  # ok: SEC015
    return {"saved": filename}
""",
        """
from pathlib import Path
from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

app = FastAPI()
REPORTS = Path("/srv/reports").resolve()

@app.get("/reports/{report_name}")
def report(report_name: str):
    target = (REPORTS / report_name).resolve()
    if not target.is_relative_to(REPORTS):
        raise HTTPException(status_code=404)
    return FileResponse(target)  # ok: SEC015
""",
        """
import os

TEMPLATES_DIR = "/srv/templates"

def load_template(name):
    with open(os.path.join(TEMPLATES_DIR, name)) as fh:  # ok: SEC015
        return fh.read()
""",
        """
import os
from django.conf import settings

def create_export(request):
    report_id = int(request.POST.get("report_id", "0"))
    filename = f"report-{report_id}.csv"
    with open(os.path.join(settings.EXPORT_DIR, filename), "w") as fh:  # ok: SEC015
        fh.write(render_csv(report_id))
""",
        # Numbers and patterns cannot name another folder: Flask's `type=int`, FastAPI's `Query(pattern=...)`.
        """
import os
from fastapi import APIRouter, Query
from flask import request

router = APIRouter()

def export_year():
    year = request.args.get("year", type=int)
    with open(os.path.join(EXPORT_DIR, f"attendance-{year}.csv"), "w") as fh:  # ok: SEC015
        fh.write(render(year))

@router.post("/subscribers")
def export_subscribers(season: str = Query(pattern=r"^\\d{4}-\\d{4}$")):
    with open(os.path.join(EXPORT_DIR, f"subscribers-{season}.csv"), "w") as fh:  # ok: SEC015
        fh.write(render(season))
""",
        # The helper is given only a name it reduces to a base name.
        """
import os
from flask import Flask, request

app = Flask(__name__)

def _write_note(name, text):
    with open(os.path.join("/srv/notes", os.path.basename(name)), "w") as fh:
        fh.write(text)

@app.post("/notes")
def save_note():
    _write_note(request.form["name"], request.form["text"])  # ok: SEC015
    return "", 204
""",
    )
    INVALID = (
        # `relative_to` here only makes the name to store, after the file is written: nothing is checked.
        """
from pathlib import Path
from fastapi import APIRouter, UploadFile

router = APIRouter()
PHOTO_ROOT = Path("/srv/photos")

@router.post("/pets/{pet_id}/photo")
async def upload_photo(pet_id: int, file: UploadFile):
    data = await file.read()
    dest = PHOTO_ROOT / str(pet_id) / file.filename  # expect: SEC015
    with open(dest, "wb") as fh:
        fh.write(data)
    return {"photo": str(dest.relative_to(PHOTO_ROOT))}
""",
        # The path is opened by a helper the handler hands it to, through a thread.
        """
import asyncio
from fastapi import FastAPI, UploadFile

app = FastAPI()

def _store(path, data):
    with open(path, "wb") as fh:
        fh.write(data)

@app.post("/jobs/{job_id}/attachments")
async def attach(job_id: int, file: UploadFile):
    data = await file.read()
    target = f"/srv/attachments/{job_id}/" + file.filename  # expect: SEC015
    await asyncio.to_thread(_store, target, data)
    return {"stored": file.filename}
""",
        # aiohttp's FileResponse serves whatever path it is given.
        """
import os
from aiohttp import web

async def invoice_pdf(request: web.Request) -> web.FileResponse:
    return web.FileResponse(os.path.join("/srv/invoices", request.match_info["name"]))  # expect: SEC015
""",
        # A text field of the request body's model, with only a length limit.
        """
import os
from fastapi import APIRouter
from pydantic import BaseModel, Field

router = APIRouter()

class ExportRequest(BaseModel):
    lang: str = Field(pattern=r"^[a-z]{2}$")
    filename: str | None = Field(default=None, max_length=200)

@router.post("/exports")
def create_export(body: ExportRequest):
    name = body.filename or f"{body.lang}.tmx"  # expect: SEC015
    with open(os.path.join(EXPORT_DIR, name), "w") as fh:
        fh.write(render(body.lang))
    return {"name": name}
""",
        # The unit is allow-listed; the photo's name is not.
        """
from pathlib import Path
from fastapi import APIRouter, File, Form, UploadFile

router = APIRouter()
UNITS = {"lb", "kg", "each"}

@router.post("/listings")
async def create_listing(unit: str = Form("each"), photo: UploadFile = File(...)):
    if unit not in UNITS:
        raise HTTPException(422, "unknown unit")
    original = Path("/srv/media") / photo.filename  # expect: SEC015
    original.write_bytes(await photo.read())
""",
        """
import os
from flask import Flask, request, send_file

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"

@app.get("/download")
def download():
    name = request.args.get("file", "")  # expect: SEC015
    path = os.path.join(UPLOAD_DIR, name)
    return send_file(path)

@app.post("/upload")
def upload():
    for item in request.files.getlist("documents"):  # expect: SEC015
        item.save(os.path.join(UPLOAD_DIR, item.filename))
    return {"ok": True}

@app.post("/scans")
def upload_scan():
    upload = request.files["scan"]
    if upload.content_type not in {"image/png", "image/jpeg"}:
        return {"error": "unsupported type"}, 415
    name = request.form.get("original_filename") or "scan.png"  # expect: SEC015
    with open(os.path.join(UPLOAD_DIR, name), "wb") as fh:
        fh.write(upload.read())
    return {"ok": True}

@app.post("/folders")
def new_folder():
    os.makedirs(os.path.join(UPLOAD_DIR, request.form["folder"]), exist_ok=True)  # expect: SEC015
    return {"ok": True}
""",
        """
from fastapi import FastAPI, UploadFile
from fastapi.responses import FileResponse

app = FastAPI()

@app.get("/exports/{export_name}")
def get_export(export_name: str):
    return FileResponse(f"/srv/exports/{export_name}")  # expect: SEC015

@app.post("/avatars")
async def upload_avatar(file: UploadFile):
    with open(f"/srv/avatars/{file.filename}", "wb") as out:  # expect: SEC015
        out.write(await file.read())
    return {"ok": True}
""",
        """
import os
from django.http import FileResponse, HttpResponse
from pathlib import Path

MEDIA = Path("/srv/media")

def delete_attachment(request, filename):
    os.remove(MEDIA / filename)  # expect: SEC015
    return HttpResponse(status=204)

def read_note(request):
    note = request.GET["note"]  # expect: SEC015
    return HttpResponse((MEDIA / "notes" / note).read_text())

def download_export(request, export_id):
    filename = request.GET["file"]  # expect: SEC015
    if not filename.startswith(f"{export_id}-"):
        return HttpResponse(status=404)
    return FileResponse(open(f"/srv/exports/{filename}", "rb"))
""",
        # aiohttp: the file name of a multipart part is what the client sent.
        """
import os
from aiohttp import web

routes = web.RouteTableDef()

@routes.post("/uploads")
async def upload(request):
    reader = await request.multipart()  # expect: SEC015
    async for part in reader:
        name = part.filename
        with open(os.path.join("/srv/uploads", name), "wb") as fh:
            fh.write(await part.read())
    return web.json_response({"ok": True})
""",
        # Text before the value does not stop it: `report_id = "x/../../../app/settings"` still climbs out.
        """
import os
from django.conf import settings

def create_export(request):
    report_id = request.POST.get("report_id", "")  # expect: SEC015
    filename = f"report-{report_id}.csv"
    with open(os.path.join(settings.EXPORT_DIR, filename), "w") as fh:
        fh.write(render_csv(report_id))
""",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        # The module's pydantic models and their text fields: `body.filename` of `body: ExportRequest`.
        self._text_fields: dict[str, set[str]] = {}
        # Per function: the tainted local names and the statement that first tainted each, or None when
        # the function validates its paths.
        self._taint: dict[cst.FunctionDef, dict[str, cst.CSTNode | None] | None] = {}
        self._functions: dict[str, cst.FunctionDef] = {}  # the module's functions, by name
        # Per function, per tainted chain's start: (start, the last sink it reaches), reported when the function ends.
        self._pending: dict[cst.FunctionDef, dict[int, tuple[cst.CSTNode, cst.CSTNode]]] = {}

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        if "BaseModel" in self.ctx.text:  # imports are not known yet here: they are read as the visit goes
            self._text_fields = _pydantic_text_fields(node)
        self._functions = {f.name.value: f for f in node.body if isinstance(f, cst.FunctionDef)}

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.is_test:
            return
        if call_name(node) not in _SINK_NAMES:
            self._judge_helper_call(node)
            return
        fn = self.ctx.function
        if fn is None:
            return
        paths = self._sink_paths(node)
        if not paths:
            return
        tainted = self._tainted_names(fn)
        if tainted is None:  # the function validates the path
            return
        for path in paths:
            if _is_tainted(path, tainted):
                # One finding per tainted chain, spanning to the last file call it reaches (`os.makedirs(folder)`,
                # then `open(os.path.join(folder, name), "wb")`): the harm is the file written, not the folder.
                start = _chain_start(path, tainted, self.line_of)
                self._pending.setdefault(fn, {})[id(start) if start is not None else id(node)] = (
                    start if start is not None else node, node)
                return

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        for start, sink in self._pending.pop(original_node, {}).values():
            self.report(start, "A file path built from request input is used here: a name like `../../etc/passwd` "
                               "reaches files outside the intended folder (path traversal).", end_node=sink)

    def _judge_helper_call(self, node: cst.Call) -> None:
        """A path built from request input handed to a function of this module (called by name, or handed to
        `asyncio.to_thread(f, ...)`) that opens, writes or deletes the file at that parameter."""
        fn = self.ctx.function
        if fn is None or not self._functions:
            return
        helper, args = self._helper_and_args(node)
        if helper is None or helper is fn:
            return
        tainted = None
        params = helper.params.params
        for index, arg in enumerate(args):
            if index >= len(params):
                break
            if tainted is None:
                tainted = self._tainted_names(fn)
                if not tainted:
                    return  # nothing from the request here, or the function validates its paths
            if _is_tainted(arg, tainted) and self._opens_parameter(helper, params[index].name.value):
                start = _chain_start(arg, tainted, self.line_of)
                self.report(start if start is not None else node,
                            f"A file path built from request input is handed to `{helper.name.value}()`, which uses "
                            "it: a name like `../../etc/passwd` reaches files outside the intended folder (path "
                            "traversal).", end_node=node)
                return

    def _helper_and_args(self, node: cst.Call) -> tuple[cst.FunctionDef | None, list[cst.BaseExpression]]:
        # Runs for every call in every function: the cheap tests on the callee's name come first.
        name = call_name(node)
        if name not in self._functions and name != "to_thread":
            return None, []
        positional = [a.value for a in node.args if a.keyword is None and a.star == ""]
        if isinstance(node.func, cst.Name) and name in self._functions:
            return self._functions[name], positional
        if (name == "to_thread" and positional and isinstance(positional[0], cst.Name)
                and positional[0].value in self._functions and self.ctx.qualify(node.func) == "asyncio.to_thread"):
            return self._functions[positional[0].value], positional[1:]
        return None, []

    def _opens_parameter(self, helper: cst.FunctionDef, parameter: str) -> bool:
        """Some file call in the helper is given a path made of this parameter, not sanitized."""
        for call in findall(helper.body, cst.Call):
            if call_name(call) not in _SINK_NAMES or call_name(call) == "save":
                continue
            if any(_is_tainted(path, {parameter}) for path in self._sink_paths(call)):
                return True
        return False

    def _sink_paths(self, node: cst.Call) -> list[cst.BaseExpression]:
        name = call_name(node)
        func = node.func
        positional = [a.value for a in node.args if a.keyword is None and a.star == ""]
        if name == "save":
            # FileStorage.save(dst): only an uploaded file's own save, not a storage backend's.
            if isinstance(func, cst.Attribute) and positional:
                return [positional[0]] if self._is_upload(func.value) else []
            return []
        qualified = self.ctx.qualify(func) or ""
        if qualified in _PATH_SINKS:
            return positional[:1]
        if qualified in _FS_SINKS:
            return positional
        if name in _PATH_METHODS and isinstance(func, cst.Attribute):
            # pathlib: `(BASE / name).read_text()`, `target.unlink()`: the receiver is the path.
            return [func.value]
        return []

    def _is_upload(self, expr: cst.BaseExpression) -> bool:
        fn = self.ctx.function
        tainted = self._tainted_names(fn) if fn is not None else None
        return is_request_input(expr) or (tainted is not None and _is_tainted(expr, tainted))

    def _tainted_names(self, fn: cst.FunctionDef) -> dict[str, cst.CSTNode | None] | None:
        if fn not in self._taint:
            self._taint[fn] = self._compute_taint(fn)
        return self._taint[fn]

    def _compute_taint(self, fn: cst.FunctionDef) -> dict[str, cst.CSTNode | None] | None:
        tainted, values = self._propagate(fn, set())
        if not tainted:
            return tainted
        if _contained(fn, values):
            return None
        # `if unit not in UNITS: raise`: an allow-list clears the names it tests, and what is built from them only.
        allowed = _allow_listed(fn, tainted)
        return self._propagate(fn, allowed)[0] if allowed else tainted

    def _propagate(self, fn: cst.FunctionDef, allowed: set[str]
                   ) -> tuple[dict[str, cst.CSTNode | None], dict[str, list[cst.BaseExpression]]]:
        """The names request input reaches (except those `allowed`), each with the statement that first tainted it,
        and every local name's assigned values."""
        tainted: dict[str, cst.CSTNode | None] = dict.fromkeys(n for n in self._route_parameters(fn)
                                                               if n not in allowed)
        statements = list(findall(fn.body, _TAINT_STATEMENTS))
        values: dict[str, list[cst.BaseExpression]] = {}
        for _ in range(2):  # twice, so a loop that assigns before it reads is covered
            for statement in statements:
                if isinstance(statement, cst.Assign):
                    names = [n for t in statement.targets for n in _target_names(t.target)]
                    value = statement.value
                elif isinstance(statement, (cst.AnnAssign, cst.AugAssign)):
                    names, value = _target_names(statement.target), statement.value
                else:
                    names, value = _target_names(statement.target), statement.iter
                if value is None:
                    continue
                for name in names:
                    values.setdefault(name, []).append(value)
                if _is_tainted(value, tainted):
                    for name in names:
                        if name not in allowed:
                            tainted.setdefault(name, statement)
        return tainted, values

    def _route_parameters(self, fn: cst.FunctionDef) -> list[str]:
        """Handler parameters filled from the request: route placeholders, FastAPI query strings, Django URL args."""
        cls = self.ctx.class_stack[-1] if self.ctx.class_stack else None
        if not is_request_handler(fn, cls, self.ctx):
            return []
        params = [*fn.params.params, *fn.params.kwonly_params]
        names: list[str] = []
        for decorator in fn.decorators:
            call = decorator.decorator
            route = string_value(call.args[0].value) if isinstance(call, cst.Call) and call.args else None
            if route is None:
                continue
            for converter, name in _FLASK_PARAM.findall(route):
                if converter not in _NON_TEXT_CONVERTERS:
                    names.append(name)
            names.extend(_FASTAPI_PARAM.findall(route))
        if self.ctx.imports_module("fastapi"):
            for param in params:
                if _is_text_parameter(param):
                    names.append(param.name.value)
                elif param.annotation is not None and isinstance(param.annotation.annotation, cst.Name):
                    # A request body model declared here: its text fields are what the client sent.
                    fields = self._text_fields.get(param.annotation.annotation.value, ())
                    names.extend(f"{param.name.value}.{field}" for field in sorted(fields))
        elif self.ctx.imports_module("django") and params and params[0].name.value == "request":
            for param in params[1:]:
                if not re.search(r"(^|_)(id|pk)$", param.name.value) and not _annotated(param, "int"):
                    names.append(param.name.value)
        declared = {p.name.value for p in params}
        return [n for n in names if n.split(".", 1)[0] in declared and not any(
            _annotated(p, "int") for p in params if p.name.value == n)]


def _pydantic_text_fields(module: cst.Module) -> dict[str, set[str]]:
    """`class ExportRequest(BaseModel): filename: str | None = None`: each model's fields typed as text."""
    found: dict[str, set[str]] = {}
    for statement in module.body:
        if not (isinstance(statement, cst.ClassDef) and any(
                (attribute_path(base.value) or "").rsplit(".", 1)[-1] == "BaseModel" for base in statement.bases)):
            continue
        fields = set()
        for line in statement.body.body if isinstance(statement.body, cst.IndentedBlock) else ():
            if not isinstance(line, cst.SimpleStatementLine):
                continue
            for small in line.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    names = {n.value for n in findall(small.annotation.annotation, cst.Name)
                             if isinstance(n, cst.Name)}
                    # A `Field(pattern=...)` validates the text; a length limit does not stop `../`.
                    checked = isinstance(small.value, cst.Call) and any(
                        arg.keyword is not None and arg.keyword.value in ("pattern", "regex") for arg in small.value.args)
                    if "str" in names and not names & {"Literal", "int", "float", "bool"} and not checked:
                        fields.add(small.target.value)
        found[statement.name.value] = fields
    return found


def _annotated(param: cst.Param, type_name: str) -> bool:
    return param.annotation is not None and is_name(param.annotation.annotation, type_name)


def _is_text_parameter(param: cst.Param) -> bool:
    """A FastAPI parameter that carries client text: `name: str`, `file: UploadFile`, `q = Query(...)`."""
    annotation = param.annotation.annotation if param.annotation is not None else None
    text = {n.value for n in findall(annotation, cst.Name) if isinstance(n, cst.Name)} if annotation else set()
    if text & {"int", "float", "bool", "UUID", "date", "datetime"}:
        return False
    if isinstance(param.default, cst.Call) and call_name(param.default) in _FASTAPI_SOURCES:
        # `season: str = Query(pattern=r"^\d{4}-\d{4}$")`: the text is held to a pattern.
        return not any(arg.keyword is not None and arg.keyword.value in ("pattern", "regex")
                       for arg in param.default.args)
    return bool(text & {"str", "UploadFile", "Path"})


def _target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for el in target.elements for n in _target_names(el.value)]
    return []


def _is_tainted(expr: cst.BaseExpression, tainted: dict[str, cst.CSTNode | None] | set[str]) -> bool:
    """Whether request text flows into this expression unchanged enough to name a file."""
    if isinstance(expr, cst.Call) and any(arg.keyword is not None and arg.keyword.value == "type"
                                          and is_name(arg.value) and arg.value.value in ("int", "float")
                                          for arg in expr.args):
        return False  # `request.args.get("year", type=int)`: Flask converts it to a number
    if is_request_input(expr):
        return True
    if isinstance(expr, cst.Name):
        return expr.value in tainted
    if isinstance(expr, cst.Attribute):
        if attribute_path(expr) in tainted:
            return True  # a text field of a request body model
        return expr.attr.value not in _SANITIZED_ATTRIBUTES and _is_tainted(expr.value, tainted)
    if isinstance(expr, cst.Subscript):
        return _is_tainted(expr.value, tainted)
    if isinstance(expr, cst.Await):
        return _is_tainted(expr.expression, tainted)
    if isinstance(expr, cst.Call):
        name = call_name(expr)
        if name in _SANITIZERS or name not in _PROPAGATORS:
            return False
        receiver = expr.func.value if isinstance(expr.func, cst.Attribute) else None
        return any(_is_tainted(arg.value, tainted) for arg in expr.args) or (
            receiver is not None and _is_tainted(receiver, tainted))
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        # `"report-" + name`: text before the value in the same file name keeps it from starting a `..`.
        before: str | None = None
        for operand in _flatten_add(expr):
            text = string_value(operand)
            if text is not None:
                before = text
                continue
            if _starts_component(before) and _is_tainted(operand, tainted):
                return True
            before = None
        return False
    if isinstance(expr, cst.BinaryOperation):
        return _is_tainted(expr.left, tainted) or _is_tainted(expr.right, tainted)
    if isinstance(expr, cst.FormattedString):
        if any(isinstance(part, cst.FormattedStringText) and "\\n" in part.value for part in expr.parts):
            return False  # `f"/* v{version} */\\n"`: text with a line break is content, not a file's name
        before = ""
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                before = part.value
            elif _starts_component(before) and _is_tainted(part.expression, tainted):
                return True
            else:
                before = None
        return False
    if isinstance(expr, cst.IfExp):
        return _is_tainted(expr.body, tainted) or _is_tainted(expr.orelse, tainted)
    if isinstance(expr, cst.BooleanOperation):  # `request.form.get("name") or default`
        return _is_tainted(expr.left, tainted) or _is_tainted(expr.right, tainted)
    if isinstance(expr, (cst.Tuple, cst.List)):
        return any(_is_tainted(el.value, tainted) for el in expr.elements)
    return False


def _starts_component(before: str | None) -> bool:
    """Whether a value placed after this text can reach outside the folder: always, since text from the client may
    hold a `/` (`f"report-{name}.csv"` with `name = "x/../../app/settings"` climbs out all the same)."""
    return True


def _flatten_add(expr: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        return _flatten_add(expr.left) + _flatten_add(expr.right)
    return [expr]


def _chain_start(expr: cst.BaseExpression, tainted: dict[str, cst.CSTNode | None], line_of) -> cst.CSTNode | None:
    """The earliest statement that carried request input toward this path, following the names back."""
    found: list[cst.CSTNode] = []
    seen: set[str] = set()
    stack = [n.value for n in findall(expr, cst.Name) if isinstance(n, cst.Name)]
    while stack:
        name = stack.pop()
        if name in seen or tainted.get(name) is None:
            continue
        seen.add(name)
        statement = tainted[name]
        found.append(statement)
        stack.extend(n.value for n in findall(statement, cst.Name) if isinstance(n, cst.Name))
    return min(found, key=line_of) if found else None


def _resolves_path(expr: cst.BaseExpression, values: dict[str, list[cst.BaseExpression]]) -> bool:
    """`os.path.realpath(p)`, `target.resolve()`, or a name assigned from one: a normalized absolute path."""
    candidates = [expr]
    if isinstance(expr, cst.Name):
        candidates.extend(values.get(expr.value, ()))
    return any(call_name(c) in _RESOLVERS for candidate in candidates
               for c in findall(candidate, cst.Call) if isinstance(c, cst.Call))


def _contained(fn: cst.FunctionDef, values: dict[str, list[cst.BaseExpression]]) -> bool:
    """Whether the function checks the path before use: containment or a `..` test."""
    # `relative_to` raises on a path outside the base: a check only inside a `try` that catches it, not in
    # `str(dest.relative_to(ROOT))` that stores the name once the file is written.
    tried = {id(call) for block in findall(fn.body, cst.Try) for call in findall(block.body, cst.Call)}
    for node in findall(fn.body, (cst.Call, cst.Comparison)):
        if isinstance(node, cst.Call) and call_name(node) == "relative_to" and id(node) not in tried:
            continue
        if isinstance(node, cst.Call) and (call_name(node) in _VALIDATION_CALLS
                                           or _PATH_VALIDATOR.search(call_name(node) or "")):
            return True
        # `full.startswith(BASE)` counts only on a resolved path: a prefix test on the raw name does not stop `..`.
        if (isinstance(node, cst.Call) and call_name(node) == "startswith" and isinstance(node.func, cst.Attribute)
                and _resolves_path(node.func.value, values)):
            return True
        if isinstance(node, cst.Comparison) and string_value(node.left) == ".." and any(
                isinstance(target.operator, (cst.In, cst.NotIn)) for target in node.comparisons):
            return True
    return False


_CHARACTER_CLASS_TESTS = frozenset({"isalnum", "isdigit", "isdecimal", "isnumeric", "isidentifier", "isalpha"})


def _allow_listed(fn: cst.FunctionDef, tainted: dict[str, cst.CSTNode | None]) -> set[str]:
    """The input names the function tests against an allow-list (`if name not in ALLOWED`), not by type or
    extension; a test of a longer expression (`x.strip() in ALLOWED`) clears the names in it."""
    found: set[str] = set()
    for call in findall(fn.body, cst.Call):
        # `if not sku.isalnum(): abort(404)`: only letters and digits, so no `/` or `..`.
        if (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                and call.func.attr.value in _CHARACTER_CLASS_TESTS and isinstance(call.func.value, cst.Name)
                and call.func.value.value in tainted):
            found.add(call.func.value.value)
    for node in findall(fn.body, cst.Comparison):
        if not any(isinstance(target.operator, (cst.In, cst.NotIn)) for target in node.comparisons):
            continue
        if _is_tainted(node.left, tainted) and not _is_file_metadata(node.left):
            found |= {n.value for n in findall(node.left, cst.Name) if isinstance(n, cst.Name) and n.value in tainted}
    return found


# What an upload says about its content: an allow-list of types or extensions says nothing about the path's folders.
_METADATA_WORDS = frozenset({"content_type", "mimetype", "mime_type", "content_length", "size", "suffix", "ext",
                             "extension", "kind", "type"})


def _is_file_metadata(expr: cst.BaseExpression) -> bool:
    """`upload.content_type`, `ext`, `Path(name).suffix.lower()`: a file's type or extension, not its name."""
    while isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        expr = expr.func.value  # `.lower()`, `.strip()`
    name = expr.attr.value if isinstance(expr, cst.Attribute) else expr.value if isinstance(expr, cst.Name) else None
    return name is not None and name.lower() in _METADATA_WORDS

