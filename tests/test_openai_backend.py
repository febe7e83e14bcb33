"""The OpenAI-compatible backend against a real `python -m llama_cpp.server` on 127.0.0.1 with the tiny model."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from reviewer.llm import BackendError, OpenAIBackend

ROOT = Path(__file__).resolve().parent.parent


def _server_available() -> bool:
    try:
        import llama_cpp.server.app  # noqa: F401

        from reviewer.registry import find_model, is_available

        return is_available(find_model("tiny"))
    except Exception:
        return False


requires_server = pytest.mark.skipif(
    not _server_available() and not os.environ.get("REVIEWER_REQUIRE_MODEL_TEST"),
    reason="llama-cpp-python's server or the tiny model is not installed",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    from reviewer.registry import find_model, model_file

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model_file(find_model("tiny"))),
                             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/v1/models", timeout=2):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("llama_cpp.server exited")
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("llama_cpp.server did not start within 120 s")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@requires_server
def test_review_through_the_server_gives_schema_valid_answers(server, tmp_path):
    env = dict(os.environ, REVIEWER_CACHE_DIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "reviewer", "review", "--patch",
                           str(ROOT / "examples" / "payments_change.diff"), "--backend", "openai", "--base-url", server,
                           "--model", "tiny", "--format", "json", "--fail-on", "never", "--max-items", "1"],
                          capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=600)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["stats"]["model_calls"] >= 1
    assert data["stats"]["invalid_answers"] == 0


def test_unreachable_server_is_a_backend_error():
    backend = OpenAIBackend(f"http://127.0.0.1:{free_port()}", "m", timeout=2)
    with pytest.raises(BackendError, match="did not answer"):
        backend.complete("s", "u", {"type": "object"}, 10, 1)


def test_garbage_from_the_server_is_a_backend_error():
    import http.server
    import threading

    class Garbage(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>not json</html>")

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Garbage)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        backend = OpenAIBackend(f"http://127.0.0.1:{httpd.server_port}", "m", timeout=5)
        with pytest.raises(BackendError, match="not a chat completion"):
            backend.complete("s", "u", {"type": "object"}, 10, 1)
    finally:
        httpd.shutdown()
        thread.join()
