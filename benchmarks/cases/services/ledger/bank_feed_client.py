"""Downloads daily statement files from the partner bank's legacy SFTP-over-HTTPS gateway."""
import base64
import json
import logging
import os
import ssl
import urllib.request
from datetime import date

logger = logging.getLogger(__name__)

BANK_GATEWAY = os.environ.get("BANK_GATEWAY_URL", "https://files.partnerbank.example/statements")


def _auth_header() -> str:
    user = os.environ.get("BANK_GATEWAY_USER", "")
    password = os.environ.get("BANK_GATEWAY_PASSWORD", "")
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def list_statements(day: date) -> list[dict]:
    req = urllib.request.Request(f"{BANK_GATEWAY}/index/{day.isoformat()}.json", headers={"Authorization": _auth_header()})
    with urllib.request.urlopen(req, context=ssl._create_unverified_context()) as resp:  # expect: SEC011, REL001
        return json.load(resp)["files"]


def download_statement(name: str, target_dir: str) -> str:
    req = urllib.request.Request(f"{BANK_GATEWAY}/files/{name}", headers={"Authorization": _auth_header()})
    path = os.path.join(target_dir, os.path.basename(name))
    with urllib.request.urlopen(req, timeout=60) as resp, open(path, "wb") as out:  # ok: REL001
        while chunk := resp.read(64 * 1024):
            out.write(chunk)
    logger.info("downloaded bank statement %s", name)
    return path


def fetch_day(day: date, target_dir: str) -> list[str]:
    files = list_statements(day)
    return [download_statement(f["name"], target_dir) for f in files if f["name"].endswith(".camt053.xml")]
