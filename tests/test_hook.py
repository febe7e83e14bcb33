"""The pre-push hook with real git: a bare remote on disk, real pushes, every kind of stdin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer import hook

BAD = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
GOOD = "import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n"
ZERO = "0" * 40


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", REVIEWER_CACHE_DIR=str(Path(env.get("TMPDIR", "/tmp")) / "rv-hook"))
    env.pop("REVIEWER_SKIP", None)
    return env


def git(repo: Path, *args: str, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=git_env(), check=check,
                          input=stdin)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True, env=git_env())
    work = tmp_path / "work"
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True, env=git_env())
    git(work, "remote", "add", "origin", str(remote))
    (work / "README.md").write_text("service\n")
    git(work, "add", ".")
    git(work, "commit", "-qm", "init")
    return work


def commit(repo: Path, name: str, text: str, message: str = "change") -> str:
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    git(repo, "add", name)
    git(repo, "commit", "-qm", message)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def install(repo: Path, *args: str) -> None:
    # The hook must run this checkout's reviewer with --no-llm: tests never load a model.
    proc = subprocess.run([sys.executable, "-m", "reviewer", "hook", "install", "--repo", str(repo), *args],
                          capture_output=True, text=True, env=git_env(), check=False,
                          cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 0, proc.stderr
    script = hook.hooks_dir(repo) / "pre-push"
    script.write_text(script.read_text().replace('hook run', 'hook run --no-llm'))


def push(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = git_env()
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    return subprocess.run(["git", "push", "-q", "origin", *args], cwd=repo, capture_output=True, text=True,
                          env=env, check=False)


def test_push_adding_a_high_severity_problem_is_rejected_with_the_id(repo):
    install(repo)
    commit(repo, "app/client.py", BAD)
    proc = push(repo, "main")
    assert proc.returncode != 0
    assert "REL001" in proc.stderr
    assert "--no-verify" in proc.stderr
    assert git(repo, "ls-remote", "origin", "main").stdout == ""  # nothing was pushed


def test_clean_push_passes(repo):
    install(repo)
    commit(repo, "app/client.py", GOOD)
    assert push(repo, "main").returncode == 0


def test_no_verify_and_reviewer_skip_bypass_the_hook(repo):
    install(repo)
    commit(repo, "app/client.py", BAD)
    assert push(repo, "--no-verify", "main").returncode == 0
    commit(repo, "app/other.py", BAD)
    env = git_env() | {"REVIEWER_SKIP": "1", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.run(["git", "push", "-q", "origin", "main"], cwd=repo, capture_output=True, text=True, env=env)
    assert proc.returncode == 0


def test_fast_forward_reviews_only_the_new_commits(repo):
    commit(repo, "app/old.py", BAD)  # already on the remote: not this push's business
    assert push(repo, "main").returncode == 0
    install(repo)
    commit(repo, "app/client.py", GOOD)
    assert push(repo, "main").returncode == 0


def test_new_branch_reviews_commits_not_on_the_remote(repo):
    assert push(repo, "main").returncode == 0
    install(repo)
    git(repo, "checkout", "-qb", "feature")
    commit(repo, "app/client.py", BAD)
    proc = push(repo, "feature")
    assert proc.returncode != 0 and "app/client.py" in proc.stderr


def test_pushing_a_branch_that_is_not_checked_out_reviews_its_commits(repo):
    assert push(repo, "main").returncode == 0
    git(repo, "checkout", "-qb", "feature")
    commit(repo, "app/client.py", BAD)
    git(repo, "checkout", "-q", "main")
    install(repo)
    assert not (repo / "app" / "client.py").exists()
    assert push(repo, "feature").returncode != 0


def test_force_push_reviews_the_rewritten_commits(repo):
    commit(repo, "app/client.py", GOOD)
    assert push(repo, "main").returncode == 0
    install(repo)
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    commit(repo, "app/client.py", BAD, "rewrite")
    proc = push(repo, "--force", "main")
    assert proc.returncode != 0 and "REL001" in proc.stderr


def test_root_commit_push_reviews_the_whole_history(repo):
    commit(repo, "app/client.py", BAD)
    install(repo)
    assert push(repo, "main").returncode != 0


def test_deleting_a_branch_and_pushing_tags_pass(repo):
    commit(repo, "app/client.py", GOOD)
    assert push(repo, "main").returncode == 0
    git(repo, "branch", "old")
    assert push(repo, "old").returncode == 0
    install(repo)
    assert push(repo, "--delete", "old").returncode == 0
    git(repo, "tag", "v1")
    assert push(repo, "v1").returncode == 0


def test_several_refs_at_once_are_all_reviewed(repo):
    assert push(repo, "main").returncode == 0
    git(repo, "checkout", "-qb", "one")
    commit(repo, "app/one.py", GOOD)
    git(repo, "checkout", "-qb", "two")
    commit(repo, "app/two.py", BAD)
    install(repo)
    proc = push(repo, "one", "two")
    assert proc.returncode != 0 and "app/two.py" in proc.stderr


def test_empty_stdin_passes(repo):
    assert hook.pushed_ranges(repo, "origin", "") == []


def test_stdin_deletion_line_is_skipped(repo):
    sha = git(repo, "rev-parse", "HEAD").stdout.strip()
    assert hook.pushed_ranges(repo, "origin", f"(delete) {ZERO} refs/heads/x {sha}\n") == []


def test_existing_hook_is_chained_and_restored(repo):
    folder = hook.hooks_dir(repo)
    folder.mkdir(parents=True, exist_ok=True)
    legacy = folder / "pre-push"
    legacy.write_text("#!/bin/sh\ncat > \"$(dirname \"$0\")/legacy-stdin\"\nexit 0\n")
    legacy.chmod(0o755)
    install(repo)
    assert (folder / "pre-push.legacy").exists()
    commit(repo, "app/client.py", GOOD)
    assert push(repo, "main").returncode == 0
    assert "refs/heads/main" in (folder / "legacy-stdin").read_text()  # it got the same stdin
    subprocess.run([sys.executable, "-m", "reviewer", "hook", "uninstall", "--repo", str(repo)], check=True,
                   cwd=Path(__file__).resolve().parent.parent, capture_output=True)
    assert "legacy-stdin" in (folder / "pre-push").read_text()
    assert not (folder / "pre-push.legacy").exists()


def test_failing_legacy_hook_stops_the_push(repo):
    folder = hook.hooks_dir(repo)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pre-push").write_text("#!/bin/sh\nexit 3\n")
    (folder / "pre-push").chmod(0o755)
    install(repo)
    commit(repo, "app/client.py", GOOD)
    assert push(repo, "main").returncode != 0


def test_core_hooks_path_is_respected(repo):
    git(repo, "config", "core.hooksPath", ".githooks")
    install(repo)
    assert (repo / ".githooks" / "pre-push").exists()
    commit(repo, "app/client.py", BAD)
    assert push(repo, "main").returncode != 0


def run_pre_commit_entry(repo: Path, extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in git_env().items() if not k.startswith("PRE_COMMIT")} | extra_env
    return subprocess.run([sys.executable, "-m", "reviewer", "hook", "pre-commit", "--no-llm", "--repo", str(repo)],
                          capture_output=True, text=True, env=env, check=False,
                          cwd=Path(__file__).resolve().parent.parent)


def test_pre_commit_entry_reviews_from_and_to_refs(repo):
    base = git(repo, "rev-parse", "HEAD").stdout.strip()
    head = commit(repo, "app/client.py", BAD)
    proc = run_pre_commit_entry(repo, {"PRE_COMMIT_FROM_REF": base, "PRE_COMMIT_TO_REF": head})
    assert proc.returncode == 1 and "REL001" in proc.stderr


def test_pre_commit_entry_without_refs_reviews_the_unpushed_history(repo):
    commit(repo, "app/client.py", BAD)  # a first push of a new history: pre-commit sets no refs
    proc = run_pre_commit_entry(repo, {})
    assert proc.returncode == 1 and "app/client.py" in proc.stderr
    assert push(repo, "--no-verify", "main").returncode == 0
    git(repo, "fetch", "-q", "origin")
    assert run_pre_commit_entry(repo, {}).returncode == 0  # nothing left that the remote lacks


def test_model_findings_do_not_block_unless_configured(repo, tmp_path):
    # Without a model the hook lets the push through when only the model could object, and says so.
    (repo / "pyproject.toml").write_text('[tool.reviewer]\nmodel = "no-such-model"\n')
    git(repo, "add", "pyproject.toml")
    git(repo, "commit", "-qm", "config")
    proc = subprocess.run([sys.executable, "-m", "reviewer", "hook", "run", "--repo", str(repo)],
                          input=f"refs/heads/main {git(repo, 'rev-parse', 'HEAD').stdout.strip()} refs/heads/main {ZERO}\n",
                          capture_output=True, text=True, env=git_env(), cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 0, proc.stderr
    assert "model unavailable" in proc.stderr


def test_fail_closed_blocks_when_the_model_is_missing(repo):
    (repo / "pyproject.toml").write_text('[tool.reviewer]\nmodel = "no-such-model"\nfail_closed = true\n')
    git(repo, "add", "pyproject.toml")
    git(repo, "commit", "-qm", "config")
    proc = subprocess.run([sys.executable, "-m", "reviewer", "hook", "run", "--repo", str(repo)],
                          input=f"refs/heads/main {git(repo, 'rev-parse', 'HEAD').stdout.strip()} refs/heads/main {ZERO}\n",
                          capture_output=True, text=True, env=git_env(), cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 1
    assert "model is unavailable" in proc.stderr
