"""Faults: no network, a broken model, a broken cache, concurrent reviews. The checks' findings always
survive, what was not reviewed is said, and the exit code follows the documented policy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from model_support import requires_model

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "payments_change.diff"

BLOCK_NETWORK = """
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network blocked by the test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from reviewer.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run(*args: str, env_extra: dict[str, str] | None = None, blocked: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ, **(env_extra or {}))
    cmd = [sys.executable, "-c", BLOCK_NETWORK, *args] if blocked else [sys.executable, "-m", "reviewer", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=900)


@requires_model
def test_full_review_with_the_in_process_model_needs_no_network(tmp_path):
    proc = run("review", "--patch", str(EXAMPLE), "--model", "tiny", "--format", "json", "--fail-on", "never",
               "--max-items", "1", env_extra={"REVIEWER_CACHE_DIR": str(tmp_path)}, blocked=True)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["stats"]["model_calls"] >= 1
    assert "unavailable" not in data["coverage"]["model_status"]


def test_blocking_the_network_really_blocks_it():
    code = BLOCK_NETWORK.split("from reviewer")[0] + "socket.create_connection(('127.0.0.1', 9))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, check=False).returncode != 0


def test_model_file_that_is_not_gguf_is_exit_two(tmp_path):
    bogus = tmp_path / "model.gguf"
    bogus.write_bytes(b"not a model at all")
    proc = run("review", "--patch", str(EXAMPLE), "--model", str(bogus))
    assert proc.returncode == 2 and "not a GGUF" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_truncated_model_keeps_the_checks_findings_and_says_the_model_failed(tmp_path):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x00" * 64)
    proc = run("review", "--patch", str(EXAMPLE), "--model", str(broken), "--format", "json",
               env_extra={"REVIEWER_CACHE_DIR": str(tmp_path / "cache")})
    assert proc.returncode == 1, proc.stderr  # the checks' high findings still decide the exit code
    data = json.loads(proc.stdout)
    assert {"REL001", "SEC001"} <= {f["id"] for f in data["findings"]}
    assert "model unavailable" in data["coverage"]["model_status"]
    assert all(c["model"] != "asked" for c in data["coverage"]["chunks"])


def test_missing_model_part_says_what_to_run(tmp_path):
    config = tmp_path / "config" / "models"
    config.mkdir(parents=True)
    (config / "ghost.toml").write_text(
        'name = "ghost"\nfile_name = "ghost.gguf"\nsha256 = "' + "0" * 64 + '"\nsize = 10\nextra = "model"\n'
        '[source]\nkind = "parts"\nparts = [{ package = "ghost-part1", version = "1.0", module = "ghost_part1" }]\n')
    proc = run("review", "--patch", str(EXAMPLE), "--model", "ghost",
               env_extra={"REVIEWER_CONFIG_DIR": str(tmp_path / "config")})
    assert proc.returncode == 2 and "pip install" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_unwritable_cache_directory_is_not_fatal(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from reviewer.cache import ResultCache

    cache = ResultCache(blocker / "cache")
    assert cache.error
    cache.set("k", {"a": 1})
    assert cache.get("k") is None


def test_corrupt_cache_database_is_treated_as_empty(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "cache.db").write_bytes(b"this is not sqlite" * 100)
    from reviewer.cache import ResultCache

    cache = ResultCache(folder)
    assert cache.get("anything") is None
    cache.set("k", {"a": 1})  # must not raise


def test_two_reviews_share_one_cache(tmp_path):
    from reviewer.cache import ResultCache

    def writer(n: int) -> int:
        cache = ResultCache(tmp_path / "shared")
        for i in range(50):
            cache.set(f"k{i}", {"writer": n, "i": i})
            assert cache.get(f"k{i}") is not None
        cache.close()
        return n

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert sorted(pool.map(writer, [1, 2])) == [1, 2]
    cache = ResultCache(tmp_path / "shared")
    assert cache.get("k49")["i"] == 49


def test_interrupt_is_exit_130_with_one_line(monkeypatch, capsys):
    from reviewer import cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_dispatch", interrupted)
    assert cli.main(["review", "--no-llm"]) == 130
    assert capsys.readouterr().err.strip() == "reviewer: interrupted"


def test_output_file_is_written_atomically_and_left_alone_on_error(tmp_path):
    out = tmp_path / "report.json"
    out.write_text("previous report")
    proc = run("review", "--patch", str(tmp_path / "missing.diff"), "--output", str(out), "--no-llm")
    assert proc.returncode == 2
    assert out.read_text() == "previous report"


def test_disk_full_while_writing_the_report_keeps_the_old_one(tmp_path, monkeypatch, capsys):
    import errno

    from reviewer import cli, report

    out = tmp_path / "report.json"
    out.write_text("previous report")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(report, "render", full)
    code = cli.main(["review", "--patch", str(EXAMPLE), "--no-llm", "--output", str(out), "--format", "json"])
    assert code == 2
    assert "No space left" in capsys.readouterr().err
    assert out.read_text() == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind


def test_disk_full_in_the_cache_is_not_fatal(tmp_path, monkeypatch):
    import sqlite3

    import diskcache

    from reviewer.cache import ResultCache

    cache = ResultCache(tmp_path / "c")

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(diskcache.Cache, "set", full)
    cache.set("k", {"a": 1})
    assert "disk is full" in (cache.error or "")


def test_ctrl_c_while_llama_cpp_silences_stderr_still_says_interrupted():
    # llama-cpp-python points fd 2 at /dev/null while it loads a model; a Ctrl-C then must still be reported.
    script = """
import os, sys
import reviewer.cli as cli
from reviewer.ask import model_calls_running

def loading(args):
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    model_calls_running.set()
    raise KeyboardInterrupt

cli._dispatch = loading
sys.exit(cli.main(["scan", "."]))
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 130
    assert proc.stderr.strip().splitlines() == ["reviewer: interrupted"]


@requires_model
def test_ctrl_c_mid_review_exits_130_with_one_line(tmp_path):
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "reviewer", "scan", str(ROOT / "benchmarks" / "cases" / "services"),
                             "--model", "tiny", "--no-cache", "--format", "json"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, REVIEWER_CACHE_DIR=str(tmp_path)))
    time.sleep(6)
    assert proc.poll() is None, "the review ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == "reviewer: interrupted"
    assert "Traceback" not in err


def test_two_reviews_at_once_on_the_same_cache_agree(tmp_path):
    cache = tmp_path / "shared-cache"
    cmd = [sys.executable, "-m", "reviewer", "scan", str(ROOT / "benchmarks" / "cases" / "services" / "billing"),
           "--no-llm", "--format", "json", "--fail-on", "never"]
    env = dict(os.environ, REVIEWER_CACHE_DIR=str(cache))
    procs = [subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outputs]
    first, second = (json.loads(out)["findings"] for out, _ in outputs)
    assert first == second and first
    third = json.loads(subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True).stdout)["findings"]
    assert third == first  # the cache both wrote is intact and read back


def test_a_check_that_raises_inside_a_function_costs_only_its_own_findings(monkeypatch):
    """The batched walk stops inside a function when a check raises; each check then runs again alone on the same
    file and must see it from the top, not from inside that function."""
    from reviewer.checks.resource_without_close import ResourceWithoutClose
    from reviewer.engine import check_file
    from reviewer.findings import FileChange, FileKind

    text = (ROOT / "benchmarks" / "cases").joinpath(
        "services", "storefront", "session_store.py").read_text(encoding="utf-8")
    change = FileChange(path="app/session_store.py", status="scanned", kind=FileKind.python, text=text,
                        whole_file=True, changed_lines=list(range(1, text.count("\n") + 2)))
    healthy = check_file(change)
    assert healthy.skipped is None and healthy.hits

    def broken(self, node):
        raise RuntimeError("a bug in the check")

    monkeypatch.setattr(ResourceWithoutClose, "visit_FunctionDef", broken, raising=False)
    hurt = check_file(change)
    assert hurt.skipped is not None and "RES001 (RuntimeError: a bug in the check)" in hurt.skipped.reason
    expected = [(h.id, h.line) for h in healthy.hits if h.id != "RES001"]
    assert [(h.id, h.line) for h in hurt.hits if h.id != "RES001"] == expected
