"""Large and awkward inputs finish, each file accounted for: a 50,000-line file, a 5,000-file diff,
a 1 MB line, paths with spaces and non-ASCII names, CRLF and mixed encodings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def scan(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewer", *args, "--no-llm", "--format", "json", "--fail-on",
                           "never"], cwd=cwd, capture_output=True, text=True, input=stdin, check=False, timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_fifty_thousand_line_file_is_checked(tmp_path):
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(16_660))
    (tmp_path / "big.py").write_text(body + "import requests\n\ndef g(u):\n    return requests.get(u)\n")
    proc = scan(tmp_path, "scan", "big.py")
    data = json.loads(proc.stdout)
    assert [f["id"] for f in data["findings"]] == ["REL001"]
    assert data["stats"]["lines"] > 49_000


def test_five_thousand_file_diff_is_reviewed_file_by_file(tmp_path):
    parts = []
    for i in range(5000):
        parts.append(f"diff --git a/pkg/m{i}.py b/pkg/m{i}.py\nnew file mode 100644\n--- /dev/null\n+++ b/pkg/m{i}.py\n"
                     f"@@ -0,0 +1,2 @@\n+def f{i}(x):\n+    return x\n")
    proc = scan(tmp_path, "review", "--patch", "-", stdin="".join(parts))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data["coverage"]["files_reviewed"]) == 5000


def test_one_megabyte_line_and_odd_names(tmp_path):
    folder = tmp_path / "dir with spaces"
    folder.mkdir()
    (folder / "grüße.py").write_text('BLOB = "' + "a" * 1_000_000 + '"\n')
    (folder / "windows.py").write_bytes(b"import requests\r\n\r\ndef f(u):\r\n    return requests.get(u)\r\n")
    (folder / "latin1.py").write_bytes("name = 'caf\xe9'\n".encode("latin-1"))
    proc = scan(tmp_path, "scan", "dir with spaces")
    data = json.loads(proc.stdout)
    assert ("dir with spaces/windows.py", 4) in {(f["file"], f["line"]) for f in data["findings"]}
    assert "dir with spaces/grüße.py" in data["coverage"]["files_reviewed"]
    skipped = {s["path"]: s["reason"] for s in data["coverage"]["files_skipped"]}
    assert "UTF-8" in skipped["dir with spaces/latin1.py"]
