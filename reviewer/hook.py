"""The git pre-push hook: install, uninstall, and review exactly the pushed commits of every ref."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from pydantic import BaseModel

from reviewer.diff import empty_tree

MARKER = "# installed by reviewer: `reviewer hook uninstall` removes it"
LEGACY = "pre-push.legacy"


class HookError(Exception):
    """A hook that cannot be installed or removed: one line for the user."""


class PushedRange(BaseModel):
    """One ref's pushed commits: review base..head (base may be the empty tree for a new history)."""

    local_ref: str
    remote_ref: str
    base: str
    head: str


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)


def hooks_dir(repo: Path) -> Path:
    """Where git looks for hooks: honours core.hooksPath and linked worktrees."""
    done = _git(repo, "rev-parse", "--git-path", "hooks")
    if done.returncode != 0:
        raise HookError(f"not a git repository: {repo}")
    path = Path(done.stdout.strip())
    return path if path.is_absolute() else (repo / path)


def _script(args: list[str]) -> str:
    command = " ".join(shlex.quote(part) for part in [sys.executable, "-m", "reviewer", "hook", "run", *args])
    return f'#!/bin/sh\n{MARKER}\nexec {command} "$@"\n'


def install(repo: Path, fail_on: str | None = None, budget: float | None = None, model: str | None = None) -> Path:
    """Write the pre-push hook; an existing hook of someone else's is kept as pre-push.legacy and chained."""
    folder = hooks_dir(repo)
    folder.mkdir(parents=True, exist_ok=True)
    hook = folder / "pre-push"
    legacy = folder / LEGACY
    if hook.exists() and MARKER not in hook.read_text(errors="replace"):
        if legacy.exists():
            raise HookError(f"{hook} and {legacy} both exist: move one of them away first")
        hook.replace(legacy)
    args: list[str] = []
    if fail_on:
        args += ["--fail-on", fail_on]
    if budget is not None:
        args += ["--budget", str(budget)]
    if model:
        args += ["--model", model]
    tmp = folder / ".pre-push.reviewer.tmp"
    tmp.write_text(_script(args))
    tmp.chmod(0o755)
    tmp.replace(hook)
    return hook


def uninstall(repo: Path) -> str:
    folder = hooks_dir(repo)
    hook = folder / "pre-push"
    legacy = folder / LEGACY
    if not hook.exists() or MARKER not in hook.read_text(errors="replace"):
        raise HookError(f"no reviewer hook at {hook}")
    hook.unlink()
    if legacy.exists():
        legacy.replace(hook)
        return f"removed the reviewer hook and restored the previous one at {hook}"
    return f"removed the reviewer hook from {hook}"


def _is_null(sha: str) -> bool:
    return bool(sha) and set(sha) == {"0"}


def unpushed_base(repo: Path, tip: str, remote: str | None = None) -> str | None:
    """Where the commits of `tip` that the remote (any remote when None) lacks begin: the first one's
    parent, or the empty tree for a new history; None when the remote has them all."""
    not_on = f"--remotes={remote}" if remote else "--remotes"
    commits = _git(repo, "rev-list", "--topo-order", "--reverse", tip, "--not", not_on).stdout.split()
    if not commits:
        return None
    parents = _git(repo, "rev-list", "--parents", "-n", "1", commits[0]).stdout.split()[1:]
    return parents[0] if parents else empty_tree(repo)


def pushed_ranges(repo: Path, remote: str, stdin_text: str) -> list[PushedRange]:
    """The commits each pushed ref adds, following pre-commit's rules for every kind of push.

    Deletions are skipped; a fast-forward reviews old..new; a new branch or a force-push reviews the
    commits not on any of the remote's tracking refs; a new history reviews from the empty tree.
    """
    ranges: list[PushedRange] = []
    for line in stdin_text.splitlines():
        parts = line.strip().rsplit(" ", 3)
        if len(parts) != 4:
            continue
        local_ref, local_sha, remote_ref, remote_sha = parts
        if _is_null(local_sha):
            continue
        if (not _is_null(remote_sha) and _git(repo, "cat-file", "-e", f"{remote_sha}^{{commit}}").returncode == 0
                and _git(repo, "merge-base", "--is-ancestor", remote_sha, local_sha).returncode == 0):
            if remote_sha != local_sha:
                ranges.append(PushedRange(local_ref=local_ref, remote_ref=remote_ref, base=remote_sha, head=local_sha))
            continue
        base = unpushed_base(repo, local_sha, remote)
        if base is None:
            continue
        ranges.append(PushedRange(local_ref=local_ref, remote_ref=remote_ref, base=base, head=local_sha))
    return ranges


def run_legacy(repo: Path, argv: list[str], stdin_text: str) -> int:
    """Run the hook we replaced with the same arguments and the same stdin; its failure stops the push."""
    legacy = hooks_dir(repo) / LEGACY
    if not legacy.exists() or not os.access(legacy, os.X_OK):
        return 0
    return subprocess.run([str(legacy), *argv], input=stdin_text, text=True, cwd=repo, check=False).returncode
