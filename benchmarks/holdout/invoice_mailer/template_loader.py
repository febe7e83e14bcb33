"""Loads each tenant's invoice email template pack (YAML metadata and HTML) from S3."""
import logging
import os

import boto3
import yaml
from jinja2 import select_autoescape
from jinja2.sandbox import SandboxedEnvironment

log = logging.getLogger(__name__)

TEMPLATE_BUCKET = os.environ.get("TEMPLATE_BUCKET", "acme-tenant-templates")
OVERRIDE_DIR = os.environ.get("TEMPLATE_OVERRIDE_DIR", "/etc/invoice-mailer/overrides")
DEFAULT_META = {"subject": "Your invoice {{ invoice.number }}", "reply_to": None, "locale": "en"}

s3 = boto3.client("s3")
jinja = SandboxedEnvironment(autoescape=select_autoescape(["html"]))  # ok: SEC016


def _read_override(tenant_id: str, name: str) -> str | None:
    path = os.path.join(OVERRIDE_DIR, tenant_id, f"{name}.html")
    if not os.path.exists(path):
        return None
    fh = open(path, encoding="utf-8")  # expect: RES001
    return fh.read()


def load_template_meta(tenant_id: str) -> dict:
    obj = s3.get_object(Bucket=TEMPLATE_BUCKET, Key=f"{tenant_id}/meta.yaml")
    meta = yaml.load(obj["Body"].read(), Loader=yaml.Loader)  # expect: SEC004
    return {**DEFAULT_META, **(meta or {})}


def load_template_html(tenant_id: str, name: str = "invoice") -> str:
    override = _read_override(tenant_id, name)
    if override is not None:
        return override
    obj = s3.get_object(Bucket=TEMPLATE_BUCKET, Key=f"{tenant_id}/{name}.html")
    return obj["Body"].read().decode("utf-8")


def render_invoice_email(tenant_id: str, invoice: dict) -> tuple[str, str]:
    meta = load_template_meta(tenant_id)
    subject = jinja.from_string(meta["subject"]).render(invoice=invoice)
    body = jinja.from_string(load_template_html(tenant_id)).render(invoice=invoice, meta=meta)
    log.debug("rendered invoice %s for tenant %s", invoice["number"], tenant_id)
    return subject, body
