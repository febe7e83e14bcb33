"""Configuration and the baseline: precedence, unknown keys, per-path settings, counts and stale entries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent
BAD = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "reviewer", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, check=False)


def test_pyproject_section_is_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.reviewer]\nfail-on = "critical"\ndisable = ["SEC005"]\n')
    config = load_config(tmp_path)
    assert config.fail_on == "critical" and config.disable == ["SEC005"]


def test_reviewer_toml_wins_over_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.reviewer]\nfail_on = "critical"\n')
    (tmp_path / ".reviewer.toml").write_text('fail_on = "low"\n')
    assert load_config(tmp_path).fail_on == "low"


def test_unknown_key_is_rejected_with_its_name(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.reviewer]\nfail_onn = "low"\n')
    with pytest.raises(ConfigError, match="fail_onn"):
        load_config(tmp_path)


def test_unknown_key_is_exit_two_with_one_line(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.reviewer]\ncolour = "red"\n')
    (tmp_path / "a.py").write_text(BAD)
    proc = cli(tmp_path, "scan", "a.py", "--no-llm")
    assert proc.returncode == 2 and "colour" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_command_line_fail_on_wins_over_the_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.reviewer]\nfail_on = "never"\n')
    (tmp_path / "a.py").write_text(BAD)
    assert cli(tmp_path, "scan", "a.py", "--no-llm").returncode == 0
    assert cli(tmp_path, "scan", "a.py", "--no-llm", "--fail-on", "high").returncode == 1


def test_per_path_settings_disable_items_for_matching_files(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.reviewer]\n[[tool.reviewer.per_path]]\npaths = ["legacy/*"]\ndisable = ["REL001"]\n')
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "a.py").write_text(BAD)
    (tmp_path / "b.py").write_text(BAD)
    data = json.loads(cli(tmp_path, "scan", ".", "--no-llm", "--format", "json").stdout)
    assert [f["file"] for f in data["findings"]] == ["b.py"]


def test_exclude_glob_skips_files(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.reviewer]\nexclude = ["gen/*"]\n')
    (tmp_path / "gen").mkdir()
    (tmp_path / "gen" / "a.py").write_text(BAD)
    (tmp_path / "b.py").write_text(BAD)
    data = json.loads(cli(tmp_path, "scan", ".", "--no-llm", "--format", "json").stdout)
    assert {f["file"] for f in data["findings"]} == {"b.py"}


def test_team_checklist_files_are_validated_like_ours(tmp_path):
    (tmp_path / "team.toml").write_text('category = "team"\ntitle = "T"\n[[items]]\nid = "TEAM001"\n')
    (tmp_path / "pyproject.toml").write_text('[tool.reviewer]\nchecklists = ["team.toml"]\n')
    (tmp_path / "a.py").write_text(BAD)
    proc = cli(tmp_path, "scan", "a.py", "--no-llm")
    assert proc.returncode == 2 and "team.toml" in proc.stderr


def test_baseline_counts_subtract_and_new_findings_still_report(tmp_path):
    (tmp_path / "a.py").write_text(BAD)
    assert cli(tmp_path, "baseline", "create").returncode == 0
    baseline = json.loads((tmp_path / ".reviewer-baseline.json").read_text())
    assert baseline["entries"][0]["count"] == 1
    proc = cli(tmp_path, "scan", ".", "--no-llm", "--baseline", ".reviewer-baseline.json", "--format", "json")
    data = json.loads(proc.stdout)
    assert data["findings"] == [] and data["coverage"]["baselined"] == 1
    # The same problem again in another function is a second occurrence: the count of one no longer covers it.
    (tmp_path / "a.py").write_text(BAD + "\n\ndef again(url):\n    return requests.get(url)\n")
    data = json.loads(cli(tmp_path, "scan", ".", "--no-llm", "--baseline", ".reviewer-baseline.json",
                          "--format", "json").stdout)
    assert len(data["findings"]) == 1


def test_baseline_reports_stale_entries(tmp_path):
    (tmp_path / "a.py").write_text(BAD)
    cli(tmp_path, "baseline", "create")
    (tmp_path / "a.py").write_text("def fetch():\n    return 1\n")
    proc = cli(tmp_path, "scan", ".", "--no-llm", "--baseline", ".reviewer-baseline.json")
    assert "no longer match" in proc.stderr
