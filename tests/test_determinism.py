"""The same files give the same report, whatever order Python happens to iterate sets in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _scan(seed: str, cache: Path) -> list[dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "reviewer", "scan", "benchmarks/holdout/energy_meter_readings", "benchmarks/cases/apps",
         "--no-llm", "--no-cache", "--format", "json", "--fail-on", "never", "--jobs", "1"],
        cwd=ROOT, capture_output=True, text=True, check=True,
        env=dict(os.environ, PYTHONHASHSEED=seed, REVIEWER_CACHE_DIR=str(cache)))
    return [{k: f[k] for k in ("file", "line", "end_line", "id", "message")} for f in json.loads(proc.stdout)["findings"]]


def test_findings_and_their_messages_do_not_depend_on_the_hash_seed(tmp_path):
    first, second = _scan("1", tmp_path / "a"), _scan("2", tmp_path / "b")
    assert first, "the scan found nothing, so it compares nothing"
    assert first == second
