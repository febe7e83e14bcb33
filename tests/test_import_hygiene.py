"""Only reviewer/tui imports textual; only reviewer/llm.py imports llama_cpp, and lazily."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "reviewer"


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module, at top level) for every import in a file."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, id(node) in top))
    return found


def test_only_tui_imports_textual():
    for path in PACKAGE.rglob("*.py"):
        if "tui" in path.relative_to(PACKAGE).parts:
            continue
        assert not any(m.split(".")[0] == "textual" for m, _ in _imports(path)), path


def test_only_llm_imports_llama_cpp_and_never_at_module_level():
    for path in PACKAGE.rglob("*.py"):
        for module, top_level in _imports(path):
            if module.split(".")[0] == "llama_cpp":
                assert path.name == "llm.py", path
                assert not top_level, "llama_cpp must be imported lazily"


def test_checks_import_only_libcst_and_findings():
    allowed = {"libcst", "reviewer", "__future__"} | set(sys.stdlib_module_names)
    for path in (PACKAGE / "checks").glob("*.py"):
        for module, _ in _imports(path):
            assert module.split(".")[0] in allowed, f"{path.name} imports {module}"
            if module.startswith("reviewer."):
                assert module in ("reviewer.findings", "reviewer.checks") or module.startswith("reviewer.checks."), \
                    f"{path.name} imports {module}"


def test_findings_imports_nothing_of_ours():
    assert not [m for m, _ in _imports(PACKAGE / "findings.py") if m.startswith("reviewer")]


def test_reviewing_without_the_model_never_imports_llama_cpp():
    code = ("import sys, json; from reviewer.cli import main; "
            "main(['review', '--patch', 'examples/payments_change.diff', '--no-llm', '--format', 'json']); "
            "sys.stderr.write(str('llama_cpp' in sys.modules) + ' ' + str('textual' in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=PACKAGE.parent, check=False)
    assert proc.stderr.strip().endswith("False False"), proc.stderr


def test_a_review_served_from_the_result_cache_never_imports_libcst_or_the_checks(tmp_path):
    code = ("import sys; from reviewer.cli import main\n"
            "try: main(['review', '--patch', 'examples/payments_change.diff', '--no-llm', '--format', 'json'])\n"
            "except SystemExit: pass\n"
            "sys.stderr.write(str('libcst' in sys.modules) + ' ' + str('reviewer.checks._base' in sys.modules))")
    env = dict(os.environ, REVIEWER_CACHE_DIR=str(tmp_path))
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent,
                           check=False, env=env) for _ in range(2)]
    assert runs[0].stderr.strip().splitlines()[-1] == "True True", runs[0].stderr  # the first run checks
    assert runs[1].stderr.strip().splitlines()[-1] == "False False", runs[1].stderr
    assert json.loads(runs[0].stdout)["findings"] == json.loads(runs[1].stdout)["findings"]


def test_the_check_count_without_importing_equals_the_checks_discovered():
    from reviewer.checks import all_checks
    from reviewer.engine import check_count

    assert check_count() == len(all_checks())


def test_the_checked_ids_read_from_source_equal_the_ids_of_the_imported_checks():
    from reviewer.checks import all_checks
    from reviewer.engine import checked_ids

    assert checked_ids() == {check.id for check in all_checks()}
