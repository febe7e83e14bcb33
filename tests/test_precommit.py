"""The published pre-commit hooks, run by the real pre-commit framework against this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BAD = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
GOOD = "import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n"

pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
pytestmark = pytest.mark.skipif(not Path(pre_commit).exists(), reason="pre-commit is not installed")


def env(tmp: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    base.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
                GIT_COMMITTER_EMAIL="t@example.com", PRE_COMMIT_HOME=str(tmp / "pc-home"))
    return base


def git(repo: Path, tmp: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=env(tmp), check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture(scope="module")
def pc_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pc")


def try_repo(repo: Path, tmp: Path, hook_id: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([pre_commit, "try-repo", str(ROOT), hook_id, "--verbose", *args], cwd=repo, env=env(tmp),
                          capture_output=True, text=True, check=False, timeout=900)


def make_repo(tmp: Path, name: str) -> Path:
    repo = tmp / name
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env(tmp))
    (repo / "README.md").write_text("x\n")
    git(repo, tmp, "add", ".")
    git(repo, tmp, "commit", "-qm", "init")
    return repo


def test_pre_push_hook_blocks_a_pushed_problem_and_passes_a_clean_range(pc_home):
    repo = make_repo(pc_home, "push")
    base = git(repo, pc_home, "rev-parse", "HEAD")
    (repo / "client.py").write_text(BAD)
    git(repo, pc_home, "add", ".")
    git(repo, pc_home, "commit", "-qm", "bad")
    bad = git(repo, pc_home, "rev-parse", "HEAD")
    proc = try_repo(repo, pc_home, "reviewer", "--hook-stage", "pre-push", "--from-ref", base, "--to-ref", bad)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "REL001" in proc.stdout
    (repo / "client.py").write_text(GOOD)
    git(repo, pc_home, "commit", "-qam", "fix")
    good = git(repo, pc_home, "rev-parse", "HEAD")
    proc = try_repo(repo, pc_home, "reviewer", "--hook-stage", "pre-push", "--from-ref", bad, "--to-ref", good)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_llm_hook_reviews_staged_changes(pc_home):
    repo = make_repo(pc_home, "staged")
    (repo / "client.py").write_text(BAD)
    git(repo, pc_home, "add", "client.py")
    proc = try_repo(repo, pc_home, "reviewer-no-llm")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "REL001" in proc.stdout
