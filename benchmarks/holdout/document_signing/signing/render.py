"""Renders signing certificates and assembles the final signed PDF."""
import logging
import os
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import yaml
from flask import current_app
from jinja2 import Environment, FileSystemLoader

logger = logging.getLogger(__name__)

FIELD_TYPES = {"signature", "initials", "date", "text"}


@lru_cache(maxsize=4)
def _templates(template_dir: str) -> Environment:
    return Environment(loader=FileSystemLoader(template_dir), autoescape=False)  # expect: SEC016


def load_layout(raw: bytes) -> list[dict]:
    """Customers upload a YAML layout that says where each signer's fields go."""
    layout = yaml.load(raw, Loader=yaml.Loader)  # expect: SEC004
    fields = layout.get("fields", []) if isinstance(layout, dict) else []
    cleaned = []
    for field in fields[:200]:
        if field.get("type") not in FIELD_TYPES:
            raise ValueError(f"unknown field type {field.get('type')!r}")
        cleaned.append(
            {
                "type": field["type"],
                "signer": int(field["signer"]),
                "page": int(field["page"]),
                "x": float(field["x"]),
                "y": float(field["y"]),
            }
        )
    return cleaned


def render_certificate(document: dict, signers: list[dict], out_path: Path) -> Path:
    html = _templates(str(current_app.config["TEMPLATE_DIR"])).get_template("certificate.html").render(document=document, signers=signers)
    fd, html_path = tempfile.mkstemp(suffix=".html")  # ok: RES001
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(html)
        command = f"wkhtmltopdf --quiet --title '{document['title']}' {html_path} {out_path}"
        subprocess.run(command, shell=True, check=True, timeout=current_app.config["RENDER_TIMEOUT_SECONDS"])  # expect: SEC002
    finally:
        os.unlink(html_path)
    logger.info("certificate rendered for document %s", document["id"])
    return out_path


def merge_pdfs(parts: list[Path], out_path: Path) -> Path:
    args = ["qpdf", "--empty", "--pages", *[str(p) for p in parts], "--", str(out_path)]
    subprocess.run(args, check=True, timeout=current_app.config["RENDER_TIMEOUT_SECONDS"], capture_output=True)  # ok: SEC002
    return out_path


def page_count(path: Path) -> int:
    result = subprocess.run(
        ["qpdf", "--show-npages", str(path)],
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return int(result.stdout.strip())


def build_signed_pdf(original: Path, document: dict, signers: list[dict], workdir: Path) -> Path:
    """Appends the certificate page to the original and returns the merged file."""
    if page_count(original) == 0:
        raise ValueError(f"document {document['id']} has no pages")
    certificate = render_certificate(document, signers, workdir / "certificate.pdf")
    signed = merge_pdfs([original, certificate], workdir / "signed.pdf")
    logger.info("signed PDF assembled for document %s", document["id"])
    return signed
