"""Shared fixtures: throwaway git repositories isolated from the user's git config and environment."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

_GIT_ENV_LEAKS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
                  "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CEILING_DIRECTORIES", "GIT_EXTERNAL_DIFF",
                  "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT")


class GitRepo:
    """A git work tree in a temporary directory, driven with real git commands."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(["git", *args], cwd=self.path, input=stdin, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
        return done.stdout

    def write(self, rel: str, content: str | bytes) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_bytes(content.encode())
        return target

    def commit(self, message: str = "change", *paths: str) -> str:
        self.git("add", "-A", *paths)
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No inherited GIT_* redirections and no user or system config; a fixed identity."""
    for name in _GIT_ENV_LEAKS:
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    # A temporary directory must never be taken for part of a repository around it.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Author")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "author@example.com")


@pytest.fixture
def git_repo_factory(git_env: None, tmp_path: Path) -> Callable[[str], GitRepo]:
    """Make empty repositories (branch main, no commits yet) under the test's temporary directory."""

    def make(name: str) -> GitRepo:
        path = tmp_path / name
        path.mkdir()
        repo = GitRepo(path)
        repo.git("init", "-q", "-b", "main")
        return repo

    return make


@pytest.fixture
def git_repo(git_repo_factory: Callable[[str], GitRepo]) -> GitRepo:
    """An empty repository on branch main, no commits yet."""
    return git_repo_factory("repo")


@pytest.fixture(autouse=True, scope="session")
def _private_reviewer_cache(tmp_path_factory):
    """Every test, and every reviewer process a test starts, uses a throw-away cache, never the user's."""
    import os

    folder = tmp_path_factory.mktemp("reviewer-cache")
    old = os.environ.get("REVIEWER_CACHE_DIR")
    os.environ["REVIEWER_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("REVIEWER_CACHE_DIR", None)
    else:
        os.environ["REVIEWER_CACHE_DIR"] = old
