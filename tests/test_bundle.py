"""An air-gapped install: build a bundle with the tiny model, install it with no index, review offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from model_support import requires_model

ROOT = Path(__file__).resolve().parent.parent


@requires_model
def test_bundle_installs_and_reviews_with_no_index(tmp_path):
    bundle = tmp_path / "bundle"
    proc = subprocess.run([sys.executable, "-m", "reviewer", "bundle", str(bundle), "--model", "tiny"],
                          cwd=ROOT, capture_output=True, text=True, check=False, timeout=1500)
    assert proc.returncode == 0, proc.stderr
    assert (bundle / "install.sh").exists()
    assert any(p.name.startswith("llama_cpp_python") for p in (bundle / "wheels").iterdir())
    # No index is reachable: pip is pointed at an address that refuses connections and told not to use it.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}
    env.update(PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_NO_INDEX="1",
               REVIEWER_CONFIG_DIR=str(tmp_path / "config"), REVIEWER_CACHE_DIR=str(tmp_path / "cache"),
               PYTHON=sys.executable)
    venv = tmp_path / "offline-venv"
    proc = subprocess.run(["sh", str(bundle / "install.sh"), str(venv)], capture_output=True, text=True, env=env,
                          check=False, timeout=900, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    review = subprocess.run([str(venv / "bin" / "reviewer"), "review", "--patch", str(ROOT / "examples" /
                             "payments_change.diff"), "--model", "smollm2-135m", "--format", "json",
                             "--fail-on", "never", "--max-items", "1"],
                            capture_output=True, text=True, env=env, check=False, timeout=900, cwd=tmp_path)
    assert review.returncode == 0, review.stderr
    data = json.loads(review.stdout)
    assert data["stats"]["model_calls"] >= 1
    assert any(f["id"] == "REL001" for f in data["findings"])
