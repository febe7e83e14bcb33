"""The real app in a real terminal (tmux, 80x24) on the bundled example, checks only: it draws, and q quits."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

MAIN = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-m", "reviewer", "tui", "--patch", "examples/payments_change.diff", "--no-llm"]
DEADLINE_SECONDS = 30.0

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False)


def wait_for(session: str, condition, deadline: float) -> str:
    """Poll the pane until `condition(screen)` holds; return the screen."""
    screen = ""
    while time.monotonic() < deadline:
        done = tmux("capture-pane", "-t", session, "-p")
        if done.returncode != 0:
            return screen
        screen = done.stdout
        if condition(screen):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"timed out; the screen was:\n{screen}")


def session_alive(session: str) -> bool:
    return tmux("has-session", "-t", session).returncode == 0


def test_tui_runs_in_a_real_terminal_and_quits_on_q():
    session = f"reviewer-tui-{uuid.uuid4().hex[:8]}"
    command = f"cd {shlex.quote(str(MAIN))} && TERM=xterm-256color {shlex.join(COMMAND)}"
    deadline = time.monotonic() + DEADLINE_SECONDS
    started = tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command)
    assert started.returncode == 0, started.stderr
    try:
        screen = wait_for(session, lambda s: "shop/payments.py" in s and "SEC005" in s, deadline)
        assert "checked 3" in screen and "model off" in screen
        tmux("send-keys", "-t", session, "n")  # the next finding: the SQL built from variables
        wait_for(session, lambda s: "SEC001" in s and "charge_order" in s, deadline)
        tmux("send-keys", "-t", session, "q")
        while session_alive(session) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not session_alive(session), "the session is still running after q"
    finally:
        tmux("kill-session", "-t", session)
