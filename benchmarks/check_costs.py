"""Where the checks' time goes, on one core: imports, libcst parse, the walk, positions, each check.

    .venv/bin/python benchmarks/check_costs.py [benchmarks/cases]

Each check's own cost is measured by running it alone over every file, less the cheapest such run
(which is mostly the parse and the walk every check shares).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/cases")
    imports = subprocess.run([sys.executable, "-c", "import time; t = time.perf_counter(); import reviewer.cli, "
                              "reviewer.engine; from reviewer.checks import all_checks; all_checks(); "
                              "print(time.perf_counter() - t)"], capture_output=True, text=True, check=True)
    from reviewer.checks._base import FileContext, PythonCheck, _LazyPositions, all_checks, parse_python, run_python_checks
    from reviewer.diff import select_paths
    from reviewer.findings import FileKind

    files = [c for c in select_paths([root]).changes if c.kind is FileKind.python]
    checks = [c for c in all_checks() if issubclass(c, PythonCheck)]
    parse = positions = run = 0.0
    for change in files:
        started = time.perf_counter()
        wrapper = parse_python(change.text)
        parse += time.perf_counter() - started
        ctx = FileContext(path=change.path, text=change.text, kind=change.kind, is_test=False)
        started = time.perf_counter()
        run_python_checks(wrapper, ctx, checks)
        run += time.perf_counter() - started
        started = time.perf_counter()
        _LazyPositions(parse_python(change.text))._resolved()
        positions += time.perf_counter() - started  # includes a second parse, subtracted below
    positions -= parse
    alone = {}
    for check in checks:
        started = time.perf_counter()
        for change in files:
            ctx = FileContext(path=change.path, text=change.text, kind=change.kind, is_test=False)
            run_python_checks(parse_python(change.text), ctx, [check])
        alone[check] = time.perf_counter() - started
    base = min(alone.values())
    print(f"{len(files)} Python files under {root}, one core")
    print(f"  imports (separate process)      {float(imports.stdout):6.2f} s")
    print(f"  libcst parse                    {parse:6.2f} s")
    print(f"  all checks, one walk per file   {run:6.2f} s  (positions resolved where a check reports)")
    print(f"  positions for every file        {positions:6.2f} s  (what computing them everywhere would cost)")
    print(f"  parse + walk with one check     {base:6.2f} s")
    print("  costliest checks on their own, beyond that:")
    for check, seconds in sorted(alone.items(), key=lambda kv: -kv[1])[:8]:
        print(f"    {check.id} {check.__name__:<40} {seconds - base:6.2f} s")


if __name__ == "__main__":
    main()
