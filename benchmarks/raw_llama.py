"""Raw llama.cpp, llama-cpp-python's JSON-schema grammar and reviewer's model path on the same prompts.

    .venv/bin/python benchmarks/raw_llama.py benchmarks/cases/apps/ticket_office/seat_purchase.py [--model NAME]

`reviewer bench` (with the model) already sends a sample of its own prompts to raw llama.cpp in the same run.
This script does it for every prompt of the given files, and also times llama-cpp-python's own
`response_format` path (a JSON-schema grammar over the whole vocabulary at every token), which is why
reviewer writes the answer's fixed text itself (see reviewer/llm.py). Each prompt is sent each way from an
empty KV cache. Results: benchmarks/results/raw-llama-<model>.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from reviewer.bench_raw import compare_with_raw
from reviewer.markers import strip_markers
from reviewer.registry import find_model

EVERY_PROMPT = 10**6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    # The benchmark's marker comments state the answers: the prompts are built from copies without them, as
    # `reviewer bench` does.
    copies = Path(tempfile.mkdtemp(prefix="raw-llama-"))
    for given in args.paths:
        (copies / Path(given).name).write_text(strip_markers(Path(given).read_text(encoding="utf-8")),
                                               encoding="utf-8")
    result = compare_with_raw(copies, [Path(p).name for p in args.paths], args.model, EVERY_PROMPT, EVERY_PROMPT,
                              grammar=True)
    summary = {k: v for k, v in result.items() if k not in ("rows", "of_run_calls", "prompts_matched")}
    print(json.dumps(summary, indent=2))
    out = Path(__file__).parent / "results" / f"raw-llama-{find_model(args.model).name}.json"
    out.write_text(json.dumps({"summary": summary, "chunks": result.get("rows", [])}, indent=2) + "\n")


if __name__ == "__main__":
    main()
