"""Score the reviewer on benchmarks/: recall and precision per checklist id, per layer, beside Bandit and Ruff."""

from __future__ import annotations

import fnmatch
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel, Field

from reviewer import __version__
from reviewer.diff import kind_of
from reviewer.findings import FileKind
from reviewer.markers import Markers, parse_markers, strip_markers

# Peer rule ids mapped to the checklist item they answer. A peer finding with no mapping is a finding
# outside our checklist: it is counted apart, not as a false positive.
BANDIT_MAP = {
    "B113": "REL001", "B608": "SEC001", "B602": "SEC002", "B605": "SEC002", "B604": "SEC002",
    "B307": "SEC003", "B102": "SEC003", "B301": "SEC004", "B302": "SEC004", "B506": "SEC004",
    "B614": "SEC004", "B105": "SEC005", "B106": "SEC005", "B107": "SEC005", "B201": "SEC006",
    "B303": "SEC009", "B324": "SEC009", "B311": "SEC010", "B501": "SEC011", "B323": "SEC011",
    "B502": "SEC011", "B503": "SEC011", "B504": "SEC011", "B701": "SEC016", "B703": "SEC016",
    "B704": "SEC016", "B101": "SEC017", "B110": "ERR001", "B112": "ERR001",
}
RUFF_MAP = {
    "S113": "REL001", "S608": "SEC001", "S602": "SEC002", "S605": "SEC002", "S604": "SEC002",
    "S307": "SEC003", "S102": "SEC003", "S301": "SEC004", "S302": "SEC004", "S506": "SEC004",
    "S105": "SEC005", "S106": "SEC005", "S107": "SEC005", "S201": "SEC006", "S324": "SEC009",
    "S311": "SEC010", "S501": "SEC011", "S323": "SEC011", "S701": "SEC016", "S704": "SEC016",
    "S101": "SEC017", "S110": "ERR001", "S112": "ERR001",
}


class Reported(BaseModel):
    """One finding as the scorer sees it, from any tool."""

    file: str
    line: int
    end_line: int
    id: str
    source: str = "check"
    related_lines: list[int] = Field(default_factory=list)


class IdScore(BaseModel):
    expected: int = 0
    found: int = 0
    todo: int = 0
    todo_found: int = 0
    false_positives: int = 0
    fp_on_ok: int = 0
    by_layer: dict[str, int] = Field(default_factory=dict)

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None


class ToolScore(BaseModel):
    name: str
    version: str = ""
    seconds: float = 0.0
    true_positives: int = 0
    false_positives: int = 0
    fp_on_ok: int = 0
    fp_in_clean_files: int = 0
    clean_files_flagged: int = 0
    expected: int = 0
    found: int = 0
    todo: int = 0
    todo_found: int = 0
    unmapped: int = 0
    per_id: dict[str, IdScore] = Field(default_factory=dict)

    @property
    def precision(self) -> float | None:
        reported = self.true_positives + self.false_positives
        return self.true_positives / reported if reported else None

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None

    @property
    def todo_recall(self) -> float | None:
        return self.todo_found / self.todo if self.todo else None


def collect_cases(root: Path) -> dict[str, Markers]:
    """Every reviewable benchmark file under root, with its markers, keyed by path relative to root."""
    cases: dict[str, Markers] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "results" in path.relative_to(root).parts:
            continue
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if kind_of(rel, text) in (FileKind.other, FileKind.yaml):
            continue
        cases[rel] = parse_markers(text)
    return cases


def copy_without_markers(root: Path, target: Path) -> Path:
    """A copy of the benchmark tree with every marker comment removed (the files around the cases too: some
    checks read a manifest or a config module beside the reviewed file)."""
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if "results" in rel.parts or "__pycache__" in rel.parts:
            continue
        destination = target / rel
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            destination.write_text(strip_markers(path.read_text(encoding="utf-8")), encoding="utf-8")
        except UnicodeDecodeError:
            shutil.copyfile(path, destination)
    return target


def _hits(found: list[Reported], item: str, line: int) -> list[int]:
    """The findings of this id that span this line, or name it as a place that takes part in the problem (the
    query inside a helper that a loop calls once per row)."""
    return [i for i, r in enumerate(found)
            if r.id == item and (r.line <= line <= max(r.end_line, r.line) or line in r.related_lines)]


def score(name: str, reported: list[Reported], cases: dict[str, Markers]) -> ToolScore:
    """Match reported findings to markers: a finding matches an expectation of its id on a line it spans or
    names as related."""
    result = ToolScore(name=name)
    per_id: dict[str, IdScore] = defaultdict(IdScore)
    by_file: dict[str, list[Reported]] = defaultdict(list)
    for r in reported:
        if r.file in cases:
            by_file[r.file].append(r)
    flagged_clean: set[str] = set()
    for path, markers in cases.items():
        found = by_file.get(path, [])
        matched: set[int] = set()
        for line, ids in markers.expect.items():
            for item in ids:
                per_id[item].expected += 1
                result.expected += 1
                hits = _hits(found, item, line)
                if hits:
                    per_id[item].found += 1
                    result.found += 1
                    layer = found[hits[0]].source
                    per_id[item].by_layer[layer] = per_id[item].by_layer.get(layer, 0) + 1
                matched.update(hits)
        for line, ids in markers.todo.items():
            for item in ids:
                per_id[item].todo += 1
                result.todo += 1
                hits = _hits(found, item, line)
                if hits:
                    per_id[item].todo_found += 1
                    result.todo_found += 1
                matched.update(hits)
        clean = not markers.expect and not markers.todo
        for i, r in enumerate(found):
            if i in matched:
                result.true_positives += 1
                continue
            result.false_positives += 1
            per_id[r.id].false_positives += 1
            if r.id in markers.ok.get(r.line, set()):
                result.fp_on_ok += 1
                per_id[r.id].fp_on_ok += 1
            if clean:
                result.fp_in_clean_files += 1
                flagged_clean.add(path)
    result.clean_files_flagged = len(flagged_clean)
    result.per_id = dict(sorted(per_id.items()))
    return result


def mistakes(reported: list[Reported], cases: dict[str, Markers]) -> list[str]:
    """One line per missed `expect` marker (`miss`), per missed `todo-expect` marker (`todo miss`) and per false
    positive, for reading a development set by line."""
    by_file: dict[str, list[Reported]] = defaultdict(list)
    for r in reported:
        by_file[r.file].append(r)
    lines = []
    for path, markers in sorted(cases.items()):
        found = by_file.get(path, [])
        matched: set[int] = set()
        for kind, marked in (("miss", markers.expect), ("todo", markers.todo)):
            for line, ids in sorted(marked.items()):
                for item in sorted(ids):
                    hits = _hits(found, item, line)
                    matched.update(hits)
                    if not hits:
                        lines.append(f"{'miss' if kind == 'miss' else 'todo miss'} {path}:{line} {item}")
        for i, r in enumerate(found):
            if i not in matched:
                on_ok = " (on an ok line)" if r.id in markers.ok.get(r.line, set()) else ""
                lines.append(f"false positive {path}:{r.line}-{r.end_line} {r.id}{on_ok}")
    return lines


def _timed(cmd: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    return proc, time.perf_counter() - started


def run_reviewer(cases_root: Path, use_model: bool, cache_dir: Path,
                 paths: list[str] | None = None, model: str | None = None) -> tuple[list[Reported], float, dict]:
    """Run `reviewer scan` as a separate process, so its wall time includes start-up like the peers'."""
    cmd = [sys.executable, "-m", "reviewer", "scan", *(paths or ["."]), "--format", "json", "--fail-on", "never"]
    if not use_model:
        cmd.append("--no-llm")
    elif model:
        cmd += ["--model", model]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cases_root, capture_output=True, text=True, check=False,
                          env=dict(os.environ, REVIEWER_CACHE_DIR=str(cache_dir)))
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"reviewer scan failed: {proc.stderr.strip().splitlines()[-1:]}")
    data = json.loads(proc.stdout)
    # Inside a git checkout reviewer reports repository-relative paths; the scorer keys on case paths.
    prefix = subprocess.run(["git", "rev-parse", "--show-prefix"], cwd=cases_root, capture_output=True, text=True,
                            check=False).stdout.strip()
    reported = [Reported(file=f["file"].removeprefix(prefix), line=f["line"], end_line=f["end_line"], id=f["id"],
                         source=f["source"], related_lines=f.get("related_lines", [])) for f in data["findings"]]
    return reported, seconds, data


def run_bandit(cases_root: Path, paths: list[str] | None = None) -> tuple[list[Reported], float, str, int]:
    exe = shutil.which("bandit") or str(Path(sys.executable).with_name("bandit"))
    targets = [p for p in paths if p.endswith(".py")] if paths is not None else ["."]
    proc, seconds = _timed([exe, "-r", *targets, "-f", "json", "-q"], cases_root)
    data = json.loads(proc.stdout or "{}")
    reported, unmapped = [], 0
    for r in data.get("results", []):
        item = BANDIT_MAP.get(r["test_id"])
        if item is None:
            unmapped += 1
            continue
        rng = r.get("line_range") or [r["line_number"]]
        reported.append(Reported(file=Path(r["filename"]).as_posix().removeprefix("./"), line=r["line_number"],
                                 end_line=max(rng), id=item))
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False).stdout.split("\n")[0]
    return reported, seconds, version.strip(), unmapped


def run_ruff(cases_root: Path, paths: list[str] | None = None) -> tuple[list[Reported], float, str, int]:
    exe = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    targets = [p for p in paths if p.endswith(".py")] if paths is not None else ["."]
    proc, seconds = _timed([exe, "check", "--select", "S", "--output-format", "json", "--no-cache",
                            "--exit-zero", "--isolated", *targets], cases_root)
    reported, unmapped = [], 0
    for r in json.loads(proc.stdout or "[]"):
        item = RUFF_MAP.get(r["code"] or "")
        if item is None:
            unmapped += 1
            continue
        path = Path(r["filename"]).resolve().relative_to(cases_root.resolve()).as_posix()
        reported.append(Reported(file=path, line=r["location"]["row"], end_line=r["end_location"]["row"], id=item))
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    return reported, seconds, version, unmapped


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def print_tables(scores: list[ToolScore], files: int, lines: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=150)
    overall = Table(title=f"benchmark: {files} files, {lines} lines")
    for column in ("tool", "precision", "recall", "todo recall", "TP", "FP", "FP on ok", "FP in clean",
                   "clean files flagged", "wall s", "lines/s"):
        overall.add_column(column, justify="right" if column != "tool" else "left")
    for s in scores:
        overall.add_row(s.name, _fmt(s.precision), _fmt(s.recall), _fmt(s.todo_recall), str(s.true_positives),
                        str(s.false_positives), str(s.fp_on_ok), str(s.fp_in_clean_files),
                        str(s.clean_files_flagged), f"{s.seconds:.2f}", f"{lines / s.seconds:,.0f}" if s.seconds else "—")
    console.print(overall)
    ours = scores[0]
    peers_of = [s for s in scores[1:] if not s.name.startswith("reviewer")]
    per_id = Table(title="per checklist id (reviewer; peers' recall beside)")
    for column in ("id", "expected", "found", "recall", "FP", "layers", *[f"{s.name} recall" for s in peers_of]):
        per_id.add_column(column)
    for item, sc in ours.per_id.items():
        if not sc.expected and not sc.false_positives and not sc.todo:
            continue
        layers = " ".join(f"{k}:{v}" for k, v in sorted(sc.by_layer.items()))
        peers = [_fmt(s.per_id[item].recall) if item in s.per_id else "—" for s in peers_of]
        per_id.add_row(item, str(sc.expected), str(sc.found), _fmt(sc.recall), str(sc.false_positives), layers, *peers)
    console.print(per_id)


def _model_stats(raw: dict) -> dict:
    stats = raw.get("stats", {})
    times = sorted(stats.get("chunk_seconds", []))
    calls = stats.get("model_calls", 0)
    if not calls:
        return {"model_calls": 0, "cache_hits": stats.get("cache_hits", 0)}
    answered = sum(len(c.get("asked", [])) for c in raw.get("coverage", {}).get("chunks", [])
                   if c.get("model") == "asked")
    return {
        "model_calls": calls,
        "median_chunk_s": round(statistics.median(times), 2),
        "p90_chunk_s": round(times[min(len(times) - 1, int(0.9 * len(times)))], 2),
        "prompt_tokens_per_chunk": round(stats["prompt_tokens"] / calls),
        "kv_prefix_share": round(stats["prefix_tokens"] / max(stats["prompt_tokens"], 1), 2),
        "generated_tokens_per_chunk": round(stats["completion_tokens"] / calls),
        "generated_tokens_per_s": round(stats["completion_tokens"] / max(sum(times), 1e-9), 1),
        "answers_dropped_share": round(stats.get("dropped_answers", 0) / max(answered, 1), 2),
        "invalid_answers": stats.get("invalid_answers", 0),
        "model_load_s": stats.get("model_load_seconds", 0.0),
        # The model step's own work (routing, prompts, verifying, caching) beside the model calls it made.
        "outside_model_calls_share": round(max(stats.get("model_seconds", 0.0) - stats.get("model_load_seconds", 0.0)
                                               - sum(times), 0.0) / max(sum(times), 1e-9), 3),
    }


def run_bench(args) -> int:
    from reviewer.cli import UsageError

    repo_root = Path(__file__).resolve().parent.parent
    cases_root = Path(args.cases) if args.cases else repo_root / "benchmarks" / "cases"
    if not cases_root.is_dir():
        raise UsageError(f"no benchmark folder at {cases_root}")
    cases = collect_cases(cases_root)
    if args.select:
        # A subset, for the model layer: it answers a chunk in seconds, not milliseconds.
        patterns = [p.strip() for p in args.select.split(",") if p.strip()]
        cases = {path: m for path, m in cases.items() if any(fnmatch.fnmatch(path, p) for p in patterns)}
        if not cases:
            raise UsageError(f"--select {args.select!r} matches no benchmark file")
    lines = sum(len((cases_root / p).read_text(errors="replace").splitlines()) for p in cases)
    use_model = not args.no_llm
    with tempfile.TemporaryDirectory() as cache_dir, tempfile.TemporaryDirectory() as copy_dir:
        # Every tool reads a copy of the cases with the markers taken out: a marker states the answer, and the
        # model reads comments. Lines stay where they were, so findings still match the markers.
        reviewed_root = copy_without_markers(cases_root, Path(copy_dir) / cases_root.name)
        # Cold: an empty cache, every file parsed and checked. Warm: the same run again, as a hook or a
        # second review of the same change sees it.
        paths = sorted(cases) if args.select else None
        reported, seconds, raw = run_reviewer(reviewed_root, use_model, Path(cache_dir), paths, args.model)
        _, warm_seconds, _ = run_reviewer(reviewed_root, use_model, Path(cache_dir), paths, args.model)
        peer_runs = []
        if not args.no_peers and not (args.select and use_model):
            # On a selection the peers read the same files (their Python ones: neither reads Dockerfiles or YAML).
            for name, runner in (("bandit", run_bandit), ("ruff S", run_ruff)):
                peer_runs.append((name, *runner(reviewed_root, paths)))
        raw_llama = {}
        if use_model and args.raw_chunks > 0 and raw.get("stats", {}).get("model_calls"):
            # Raw llama.cpp on the same prompts, in the same run, after the timed runs (it loads its own model).
            from reviewer.bench_raw import compare_with_raw

            raw_llama = compare_with_raw(reviewed_root, paths, args.model, raw["stats"]["model_calls"],
                                         args.raw_chunks, run_cache_dir=Path(cache_dir))
    ours = score("reviewer", reported, cases)
    ours.seconds, ours.version = seconds, __version__
    warm = ours.model_copy(update={"name": "reviewer (warm cache)", "seconds": warm_seconds})
    scores = [ours, warm]
    if use_model:
        # Each layer alone, from the same run: a finding confirmed by both counts for both.
        for name, sources in (("checks layer", ("check", "both")), ("model layer", ("model", "both"))):
            layer_score = score(name, [r for r in reported if r.source in sources], cases)
            layer_score.seconds = seconds
            scores.append(layer_score)
    for name, peer_reported, peer_seconds, version, unmapped in peer_runs:
        peer = score(name, peer_reported, cases)
        peer.seconds, peer.version, peer.unmapped = peer_seconds, version, unmapped
        scores.append(peer)
    print_tables(scores, len(cases), lines)
    # A check that raised on a benchmark file lost its findings there: the scores above are then not the checks'.
    for skipped in raw.get("coverage", {}).get("files_skipped", []):
        if skipped.get("reason", "").startswith("partly reviewed"):
            print(f"warning: {skipped['path']} was only partly reviewed: {skipped['reason']}")
    if args.mistakes:
        print("\n".join(mistakes(reported, cases)) or "no misses and no false positives")
    model_stats = _model_stats(raw) if use_model else {}
    if model_stats:
        print("model: " + ", ".join(f"{k} {v}" for k, v in model_stats.items()))
    if raw_llama:
        print("raw llama.cpp on the same prompts: " + ", ".join(
            f"{k} {v}" for k, v in raw_llama.items() if k != "rows"))
    layer = "model" if use_model else "no-llm"
    name = f"bench-{layer}" + (f"-{cases_root.name}" if cases_root.name != "cases" else "") + ("-sample" if args.select else "")
    out = Path(args.output) if args.output else repo_root / "benchmarks" / "results" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": __import__("os").cpu_count()},
        "cases": {"root": str(cases_root.relative_to(repo_root)) if cases_root.is_relative_to(repo_root) else str(cases_root),
                  "select": args.select, "files": len(cases), "lines": lines,
                  "clean_files": sum(1 for m in cases.values() if not m.expect and not m.todo)},
        "layer": layer,
        "tools": [s.model_dump() | {"precision": s.precision, "recall": s.recall, "todo_recall": s.todo_recall}
                  for s in scores],
        "reviewer_stats": raw.get("stats", {}),
        "model_stats": model_stats,
        "raw_llama": raw_llama,
        "reviewer_coverage": {k: v for k, v in raw.get("coverage", {}).items() if k != "chunks"},
    }
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    tmp.replace(out)
    print(f"results written to {out}")
    return 0
