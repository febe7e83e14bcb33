"""Loads each tenant's branding settings (logo, colours, footer) from S3 YAML files."""
import logging
import os

import boto3
import yaml
from botocore.exceptions import ClientError
from pydantic import BaseModel, HttpUrl, ValidationError

log = logging.getLogger(__name__)

BRANDING_BUCKET = os.environ.get("TEMPLATE_BUCKET", "acme-tenant-templates")
DEFAULTS_PATH = os.path.join(os.path.dirname(__file__), "branding_defaults.yaml")

s3 = boto3.client("s3")


class Branding(BaseModel):
    company_name: str
    logo_url: HttpUrl | None = None
    primary_colour: str = "#1f6feb"
    footer_text: str = ""


def _defaults() -> dict:
    with open(DEFAULTS_PATH, encoding="utf-8") as fh:  # ok: RES001
        return yaml.safe_load(fh) or {}  # ok: SEC004


def load_branding(tenant_id: str) -> Branding:
    settings = _defaults()
    try:
        obj = s3.get_object(Bucket=BRANDING_BUCKET, Key=f"{tenant_id}/branding.yaml")
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "NoSuchKey":
            raise
        log.info("tenant %s has no branding file, using defaults", tenant_id)
    else:
        settings.update(yaml.safe_load(obj["Body"].read()) or {})  # ok: SEC004
    try:
        return Branding(**settings)
    except ValidationError:
        log.warning("tenant %s has invalid branding, using defaults", tenant_id, exc_info=True)
        return Branding(**_defaults())
