"""An air-gapped bundle: every wheel, the assembled model with its sha256, and an install script for no index."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from reviewer.registry import ModelError, find_model, model_file
from reviewer.resources import _CHECKOUT

LLAMA = "llama-cpp-python==0.3.36"

INSTALL_SCRIPT = """#!/bin/sh
# Install reviewer and its model with no package index: everything comes from this folder.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
venv="${{1:-.venv}}"
python="${{PYTHON:-python3}}"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --no-index --find-links "$here/wheels" reviewer "{llama}"
(cd "$here/models" && sha256sum -c "{model_file}.sha256")
"$venv/bin/reviewer" models add "$here/models/{model_file}" --name "{model_name}"
echo "installed: $venv/bin/reviewer review --model {model_name}"
"""


class BundleError(Exception):
    """A bundle that cannot be built: one line for the user."""


def wheels_cache() -> Path:
    return Path(os.environ.get("REVIEWER_WHEELS") or Path.home() / ".cache" / "reviewer" / "wheels")


def llama_wheels() -> Path:
    """The folder of the llama-cpp-python wheel scripts/setup built last (it keeps one folder per CPU variant)."""
    root = wheels_cache()
    built = [*root.glob("llama_cpp_python-*.whl"), *root.glob("*/llama_cpp_python-*.whl")]
    return max(built, key=lambda wheel: wheel.stat().st_mtime).parent if built else root


def build_bundle(target: Path, model: str | None = None, log=print) -> Path:
    """Write wheels for reviewer and every dependency, the verified model file and install.sh into target."""
    project = _CHECKOUT
    if not (project / "pyproject.toml").is_file():
        raise BundleError("reviewer bundle runs from a source checkout (it builds reviewer's own wheel)")
    entry = find_model(model)
    try:
        source = model_file(entry)
    except ModelError as error:
        raise BundleError(str(error)) from None
    wheels = target / "wheels"
    models = target / "models"
    wheels.mkdir(parents=True, exist_ok=True)
    models.mkdir(parents=True, exist_ok=True)
    # llama-cpp-python is source-only on PyPI: reuse the wheel scripts/setup built once, if there is one.
    cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(wheels),
           "--find-links", str(llama_wheels()), str(project), LLAMA]
    log("collecting wheels (llama-cpp-python is built from source if no wheel is cached: about 5 minutes)")
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["pip wheel failed"])[-1]
        raise BundleError(f"could not collect wheels: {tail}")
    copy = models / entry.file_name
    tmp = models / f".{entry.file_name}.partial"
    shutil.copyfile(source, tmp)
    tmp.replace(copy)
    (models / f"{entry.file_name}.sha256").write_text(f"{entry.sha256}  {entry.file_name}\n")
    script = target / "install.sh"
    script.write_text(INSTALL_SCRIPT.format(llama=LLAMA, model_file=entry.file_name, model_name=entry.name))
    script.chmod(0o755)
    return target
