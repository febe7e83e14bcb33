"""Secrets are masked before they reach a prompt, the cache or a report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.redact import mask_secrets

ROOT = Path(__file__).resolve().parent.parent
LIVE = "sk_live_" + "51Hx9aQ2eZvKYlo2C8Xw1mN0pR7sT"


@pytest.mark.parametrize(("text", "secret"), [
    (f'API_KEY = "{LIVE}"', LIVE),
    ('DB_URL = "postgres://app:hunter22x@db/x"', "hunter22x"),
    ("ENV DB_PASSWORD=s3cr3tpass", "s3cr3tpass"),
    ("      - STRIPE_SECRET=abcd1234efgh", "abcd1234efgh"),
    ('aws = "AKIA' + 'ABCDEFGHIJKLMNOP"', "AKIAABCDEFGHIJKLMNOP"),
    ('SECRET_KEY = os.environ.get("SECRET_KEY", "dev-fallback-key")', "dev-fallback-key"),
    ('    "password": "correct-horse",', "correct-horse"),
])
def test_secret_values_are_masked(text, secret):
    assert secret not in mask_secrets(text)


@pytest.mark.parametrize("text", [
    'password = os.environ["PW"]', "token = request.args.get('t')", "connect(password=pw_var)",
    "def login(password):", 'url = "https://example.com/api"',
])
def test_code_without_secret_values_is_unchanged(text):
    assert mask_secrets(text) == text


def test_report_and_prompt_never_contain_the_secret(tmp_path):
    (tmp_path / "settings.py").write_text(f'import requests\n\nSTRIPE_KEY = "{LIVE}"\n\n\ndef f(u):\n'
                                          f'    return requests.get(u, headers={{"k": STRIPE_KEY}})\n')
    for fmt in ("json", "sarif", "markdown", "text"):
        proc = subprocess.run([sys.executable, "-m", "reviewer", "scan", "settings.py", "--no-llm", "--format", fmt],
                              cwd=tmp_path, capture_output=True, text=True, check=False)
        assert "SEC005" in proc.stdout and LIVE not in proc.stdout, fmt
    from reviewer.ask import AskSettings, build_prompt
    from reviewer.checklist import load_checklist
    from reviewer.findings import Chunk, FileKind

    text = (tmp_path / "settings.py").read_text()
    chunk = Chunk(file="settings.py", kind="module", symbol="<module>", start=1, end=7, changed_lines=[3], text=text,
                  language=FileKind.python, content_hash="h")
    prompt = build_prompt(chunk, ["SEC005"], [], load_checklist(), AskSettings(model_name="m", model_sha256="0" * 64))
    assert LIVE not in prompt.user and LIVE not in json.dumps(prompt.schema_)
