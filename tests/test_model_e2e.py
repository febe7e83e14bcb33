"""End to end through the real llama.cpp path with the tiny model: schema-valid answers, then a cache hit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from model_support import requires_model

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "payments_change.diff"


def review(cache_dir: Path) -> dict:
    env = dict(os.environ, REVIEWER_CACHE_DIR=str(cache_dir))
    proc = subprocess.run([sys.executable, "-m", "reviewer", "review", "--patch", str(EXAMPLE), "--model", "tiny",
                           "--format", "json", "--fail-on", "never", "--max-items", "2"],
                          capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@requires_model
def test_tiny_model_answers_are_schema_valid_and_cached(tmp_path):
    first = review(tmp_path)
    asked = [c for c in first["coverage"]["chunks"] if c["model"] == "asked"]
    assert asked, first["coverage"]
    assert first["stats"]["model_calls"] == len(asked)
    assert first["stats"]["model_loaded"] is True
    assert first["stats"]["invalid_answers"] == 0  # constrained decoding gave schema-valid JSON
    assert first["stats"]["completion_tokens"] > 0
    check_ids = {(f["id"], f["line"]) for f in first["findings"] if f["source"] in ("check", "both")}
    assert ("REL001", 19) in check_ids  # the model never removes a deterministic finding

    second = review(tmp_path)
    assert second["stats"]["model_calls"] == 0
    assert second["stats"]["model_loaded"] is False
    assert second["stats"]["cache_hits"] == len(asked)
    assert second["findings"] == first["findings"]
