"""SEC019: a request handler that accepts an uploaded file, or reads a raw body, with no limit on its size."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.checks._base import PythonCheck, attribute_path, descendants, module_handlers
from reviewer.checks._files import request_body_limit_nearby
from reviewer.checks._rows import node_code

# A size limit the code checks or sets: `request.content_length > MAX_BYTES`, `upload.size`,
# `read(MAX_UPLOAD_BYTES + 1)`, `len(data) > LIMIT`, a named maximum. (`max_length=` is not one: on a text field it
# bounds the text, on Django's `FileField` the file's name.)
_LIMIT = re.compile(r"content_length|CONTENT_LENGTH|[Cc]ontent-[Ll]ength|\.size\s*[<>]|[<>]=?\s*[\w.]*\.size\b|MAX_CONTENT_LENGTH|"
                    r"DATA_UPLOAD_MAX|MAX_\w*(BYTES|SIZE|LENGTH|UPLOAD|MB|KB)|\w*_(BYTES|SIZE)_LIMIT|max_(bytes|size)\b|"
                    r"len\(\s*\w+\s*\)\s*>|\.seek\(\s*0\s*,\s*(2|os\.SEEK_END)|\.tell\(\)")
# Where an upload comes in. A raw body read (`request.get_data()`) is not counted: webhooks read theirs
# to verify a signature, and the frameworks' own limits apply to it.
_VALIDATOR = re.compile(r"Form$|Serializer$|form$|serializer$|^validate")
_UPLOAD_SOURCES = frozenset({"request.files", "request.FILES"})
# A handler that checks a signature over the body it read: a webhook from a known sender.
_SIGNED = re.compile(r"signature|hmac|construct_event|compare_digest|verify", re.IGNORECASE)


class UploadWithoutSizeLimit(PythonCheck):
    """A request handler that accepts an uploaded file with no limit on its size.

    ## What it does
    Reports a request handler that takes an uploaded file (`request.files[...]`, `request.FILES[...]`,
    a FastAPI `UploadFile` parameter, an aiohttp multipart part read whole with `await part.read()`, which
    `client_max_size` does not limit) when no size limit is visible: nothing in the module checks or sets one
    (`request.content_length`, `upload.size`, `len(data) > ...`, `read(MAX_BYTES + 1)`, a
    `MAX_..._BYTES`/`MAX_..._SIZE` constant), and no file in the module's folder or
    the two above it sets one for the app (`MAX_CONTENT_LENGTH`) or its proxy
    (`client_max_body_size`). The finding spans the handler from its `def` line to the line that
    reads or saves the upload. An upload handed to a form or serializer (`UploadForm(request.POST,
    request.FILES)`) is validated there and is not reported. A raw body read (`request.get_data()`) is not reported: webhooks read
    theirs to check a signature; but Starlette's and FastAPI's `await request.body()`, which no framework limit
    bounds, is, in a handler that checks no signature over it (`hmac`, `compare_digest`, `construct_event`,
    `verify`). Tests are skipped.

    ## Why is this bad?
    With no limit, one request (or a few in parallel) can send gigabytes: the worker reads it into
    memory or onto local disk until the process is killed or the disk is full, and every other
    request on that instance fails with it. Set the framework's limit (`MAX_CONTENT_LENGTH` in Flask,
    a proxy's body limit for FastAPI), check `upload.size` in Django, and read in bounded chunks.

    ## Known limits
    A limit set by a reverse proxy or gateway configured outside the repository, or in a settings
    module more than two folders up, is not seen. A type check on the content (an allow-list of
    extensions or magic bytes) is not judged here: only the size is. The configuration nearby is read from
    the working tree, not from the revision under review.
    """

    id = "SEC019"
    VALID = (
        # A webhook reads its raw body to check the sender's signature over it.
        """
import stripe
from fastapi import APIRouter, Request

router = APIRouter()

@router.post("/stripe/webhook")
async def stripe_webhook(request: Request):  # ok: SEC019
    payload = await request.body()
    event = stripe.Webhook.construct_event(payload, request.headers["stripe-signature"], WEBHOOK_SECRET)
    handle(event)
    return {"ok": True}
""",
        """
from flask import Flask, request

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024

@app.post("/avatar")
def avatar():  # ok: SEC019
    data = request.files["avatar"].read()
    return {"bytes": len(data)}
""",
        """
from fastapi import FastAPI, HTTPException, UploadFile

app = FastAPI()
MAX_UPLOAD_BYTES = 5_000_000

@app.post("/import")
async def import_csv(file: UploadFile):  # ok: SEC019
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, "file too large")
    return {"rows": data.count(b"\\n")}
""",
    )
    INVALID = (
        # Devices post a batch as a raw body: Starlette reads all of it, with no limit of its own.
        """
from fastapi import APIRouter, Depends, Request

router = APIRouter()

@router.post("/readings/batch")
async def ingest_batch(request: Request, device=Depends(current_device)):  # expect: SEC019
    raw = await request.body()
    return {"stored": store_readings(device, parse_batch(raw))}
""",
        # `max_length` bounds the title, not the photo.
        """
from fastapi import APIRouter, File, Form, UploadFile

router = APIRouter()

@router.post("/listings")
async def create_listing(title: str = Form(..., max_length=120), photo: UploadFile = File(...)):  # expect: SEC019
    data = await photo.read()
    return {"title": title, "bytes": len(data)}
""",
        """
from flask import Blueprint, jsonify, request

bp = Blueprint("uploads", __name__)

@bp.route("/upload", methods=["POST"])
def upload():  # expect: SEC019
    file = request.files.get("file")
    file.save(f"/srv/uploads/{file.filename}")
    return jsonify({"ok": True})
""",
        """
from fastapi import FastAPI, UploadFile

app = FastAPI()

@app.post("/episodes/{episode_id}/audio")
async def upload_audio(episode_id: int, audio: UploadFile):  # expect: SEC019
    data = await audio.read()
    store(episode_id, data)
""",
        # aiohttp: a multipart part read whole; the app's client_max_size does not apply to a multipart stream.
        """
import uuid
from aiohttp import web

routes = web.RouteTableDef()

@routes.post("/orders/{order_id}/photos")
async def upload_photo(request):  # expect: SEC019
    reader = await request.multipart()
    field = await reader.next()
    data = await field.read()
    await store(f"orders/{request.match_info['order_id']}/{uuid.uuid4().hex}.jpg", data)
    return web.json_response({"ok": True}, status=201)
""",
    )

    def leave_Module(self, original_node: cst.Module) -> None:
        # At the end of the walk: the module's imports are known by then.
        text = self.ctx.text
        if (self.ctx.is_test or not ("request.files" in text or "request.FILES" in text or "UploadFile" in text
                                     or ".multipart()" in text or ".body()" in text)
                or not self.ctx.is_web_app or _LIMIT.search(text)):
            return
        starlette = self.ctx.imports_module("fastapi", "starlette")
        findings: list[tuple[cst.FunctionDef, cst.CSTNode]] = []
        for handler, _ in module_handlers(original_node, self.ctx):
            taken = _upload_taken(handler) or (_raw_body_read(handler) if starlette else None)
            if taken is not None:
                findings.append((handler, taken))
        if findings and request_body_limit_nearby(self.ctx.path, self.ctx.root):
            return
        for handler, taken in findings:
            what = "reads the whole request body" if isinstance(taken, cst.Await) else "accepts an upload"
            self.report(handler.name, f"`{handler.name.value}` {what} with no limit on its "
                                      "size: one large request can fill the worker's memory or disk. Set a limit "
                                      "(MAX_CONTENT_LENGTH, a size check) and read in bounded chunks.", end_node=taken)


def _upload_taken(handler: cst.FunctionDef) -> cst.CSTNode | None:
    """The last place the handler takes or reads an upload, or None."""
    uploads = {param.name.value for param in handler.params.params
               if param.annotation is not None and "UploadFile" in (attribute_path(_annotation(param)) or "")}
    taken: cst.CSTNode | None = None
    # `AttachmentForm(request.POST, request.FILES)`, `Serializer(data=..., files=request.FILES)`: the form or
    # serializer validates the upload (its size included, where it is written to).
    validated = {id(arg.value) for node in descendants(handler.body) if isinstance(node, cst.Call)
                 and _VALIDATOR.search((attribute_path(node.func) or "").rsplit(".", 1)[-1]) for arg in node.args}
    parts = _multipart_parts(handler)
    for node in descendants(handler.body):
        if isinstance(node, cst.Attribute) and attribute_path(node) in _UPLOAD_SOURCES and id(node) not in validated:
            taken = taken or node
            uploads |= _assigned_names(handler, node)
        elif isinstance(node, cst.Call) and uploads:
            callee = attribute_path(node.func) or ""
            if callee.endswith((".read", ".save", ".chunks")) and callee.split(".")[0] in uploads:
                taken = node
        if isinstance(node, cst.Call) and parts and not any(arg.keyword is None for arg in node.args):
            # aiohttp: `await part.read()` reads the whole part into memory; `client_max_size` does not limit a
            # multipart stream (`read_chunk(size)` in a loop with a running total would).
            callee = attribute_path(node.func) or ""
            if callee.endswith(".read") and callee.split(".")[0] in parts:
                taken = node
    return taken


def _raw_body_read(handler: cst.FunctionDef) -> cst.CSTNode | None:
    """Starlette/FastAPI `await request.body()`, which no framework limit bounds, in a handler that verifies no
    signature over it (a webhook reads its body whole to check one, and its sender is known)."""
    read = next((node for node in descendants(handler.body) if isinstance(node, cst.Await)
                 and isinstance(node.expression, cst.Call) and not node.expression.args
                 and attribute_path(node.expression.func) in ("request.body", "req.body")), None)
    return None if read is None or _SIGNED.search(node_code(handler)) else read


def _multipart_parts(handler: cst.FunctionDef) -> set[str]:
    """aiohttp: `reader = await request.multipart()`, then `part = await reader.next()` or
    `async for part in reader`: the names the parts are read under."""
    readers: set[str] = set()
    parts: set[str] = set()
    for node in descendants(handler.body):
        value = node.value if isinstance(node, cst.Assign) else None
        while isinstance(value, cst.Await):
            value = value.expression
        if isinstance(value, cst.Call):
            callee = attribute_path(value.func) or ""
            names = {t.target.value for t in node.targets if isinstance(t.target, cst.Name)}
            if callee.endswith(".multipart") and callee.split(".")[0] in ("request", "req"):
                readers |= names
            elif callee.endswith(".next") and callee.split(".")[0] in readers:
                parts |= names
        elif isinstance(node, cst.For) and node.asynchronous is not None and isinstance(node.target, cst.Name) and \
                isinstance(node.iter, cst.Name) and node.iter.value in readers:
            parts.add(node.target.value)
    return parts


def _assigned_names(handler: cst.FunctionDef, source: cst.CSTNode) -> set[str]:
    """`upload = request.files["file"]`, `for upload in request.FILES.getlist("photos")`: the names the upload is
    kept under."""
    names: set[str] = set()
    for node in descendants(handler.body):
        if isinstance(node, cst.Assign) and any(part is source for part in descendants(node.value)):
            names |= {target.target.value for target in node.targets if isinstance(target.target, cst.Name)}
        elif (isinstance(node, cst.For) and isinstance(node.target, cst.Name)
              and any(part is source for part in descendants(node.iter))):
            names.add(node.target.value)
    return names


def _annotation(param: cst.Param) -> cst.BaseExpression:
    expr = param.annotation.annotation
    # `UploadFile | None`, `Optional[UploadFile]`, `list[UploadFile]`
    if isinstance(expr, cst.BinaryOperation):
        expr = expr.left
    if isinstance(expr, cst.Subscript) and expr.slice and isinstance(expr.slice[0].slice, cst.Index):
        expr = expr.slice[0].slice.value
    return expr
