"""Raw llama.cpp against reviewer's model path on the same prompts, in one run.

    .venv/bin/python benchmarks/raw_llama.py benchmarks/cases/apps/ticket_office/seat_purchase.py [--model NAME]

For each chunk reviewer would ask about, the same rendered prompt is sent three ways, each from a reset
KV cache: reviewer's backend (AnswerWriter: the JSON's fixed text evaluated in batches, a decode step only
for values); llama-cpp-python's own `response_format` path (a JSON-schema grammar over the whole vocabulary
at every token); and raw llama.cpp with no constraint, generating as many tokens as reviewer's answer has
(prompt-eval and generation tokens/s from llama.cpp's own timers). Overhead is reviewer's time over raw
llama.cpp's for the same number of answer tokens; below 1 means the fixed text made it faster.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from reviewer.ask import AskSettings, _routing, build_prompt
from reviewer.checklist import load_checklist
from reviewer.checks._base import parse_python
from reviewer.chunking import chunk_file
from reviewer.diff import select_paths
from reviewer.engine import review
from reviewer.llm import LlamaBackend
from reviewer.markers import strip_markers
from reviewer.registry import find_model, model_file
from reviewer.routing import route


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    import llama_cpp

    entry = find_model(args.model)
    threads = entry.llama.n_threads or (os.cpu_count() or 1)  # the same threads as reviewer's backend
    backend = LlamaBackend(model_file(entry), entry.sha256, entry.name, n_ctx=entry.llama.n_ctx,
                           n_batch=entry.llama.n_batch, n_threads=threads, seed=entry.llama.seed)
    llm = backend._load()
    checklist = load_checklist()
    settings = AskSettings(model_name=entry.name, model_sha256=entry.sha256)
    # The benchmark's marker comments state the answers: the prompts are built from copies without them, as
    # `reviewer bench` does.
    copies = Path(tempfile.mkdtemp(prefix="raw-llama-"))
    paths = []
    for given in args.paths:
        copy = copies / Path(given).name
        copy.write_text(strip_markers(Path(given).read_text(encoding="utf-8")), encoding="utf-8")
        paths.append(copy)
    selection = select_paths(paths)
    report = review(selection)
    rows = []
    for change in selection.changes:
        chunks, _ = chunk_file(change, parse_python(change.text))
        for chunk in chunks:
            routed = route(chunk, checklist, report.findings, settings.max_items, **_routing(settings))
            if not routed:
                continue
            prompt = build_prompt(chunk, [r.id for r in routed], report.findings, checklist, settings)
            messages = [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]
            max_tokens = settings.max_tokens * len(routed) + 16
            # reviewer's path: LlamaBackend.complete (AnswerWriter)
            llm.reset()
            started = time.perf_counter()
            ours = backend.complete(prompt.system, prompt.user, prompt.schema_, max_tokens, settings.seed)
            ours_s = time.perf_counter() - started
            generated = ours.completion_tokens
            # llama-cpp-python's own JSON-schema path: the grammar over the whole vocabulary at every token
            llm.reset()
            started = time.perf_counter()
            llm.create_chat_completion(messages=messages, temperature=0.0, seed=settings.seed, max_tokens=max_tokens,
                                       response_format={"type": "json_object", "schema": prompt.schema_})
            full_grammar_s = time.perf_counter() - started
            # raw llama.cpp: no grammar, the same number of tokens
            llm.reset()
            llama_cpp.llama_perf_context_reset(llm.ctx)
            started = time.perf_counter()
            raw = llm.create_chat_completion(messages=messages, temperature=0.0, seed=settings.seed,
                                             max_tokens=generated)
            raw_s = time.perf_counter() - started
            perf = llama_cpp.llama_perf_context(llm.ctx)  # llama.cpp's own timings of this call
            rows.append({"chunk": f"{chunk.file}:{chunk.symbol}", "prompt_tokens": raw["usage"]["prompt_tokens"],
                         "generated": generated,
                         "prompt_eval_tok_s": perf.n_p_eval / max(perf.t_p_eval_ms / 1000, 1e-9),
                         "raw_gen_tok_s": perf.n_eval / max(perf.t_eval_ms / 1000, 1e-9),
                         "raw_s": raw_s, "reviewer_s": ours_s, "full_vocabulary_grammar_s": full_grammar_s})
    summary = {
        "model": entry.name, "chunks": len(rows),
        "median_prompt_eval_tok_s": round(statistics.median(r["prompt_eval_tok_s"] for r in rows), 1),
        "median_raw_generation_tok_s": round(statistics.median(r["raw_gen_tok_s"] for r in rows), 1),
        "median_raw_s": round(statistics.median(r["raw_s"] for r in rows), 2),
        "median_reviewer_s": round(statistics.median(r["reviewer_s"] for r in rows), 2),
        "median_full_vocabulary_grammar_s": round(statistics.median(r["full_vocabulary_grammar_s"] for r in rows), 2),
        "reviewer_over_raw": round(sum(r["reviewer_s"] for r in rows) / sum(r["raw_s"] for r in rows), 2),
        "full_vocabulary_grammar_over_raw": round(
            sum(r["full_vocabulary_grammar_s"] for r in rows) / sum(r["raw_s"] for r in rows), 2),
    }
    print(json.dumps(summary, indent=2))
    out = Path(__file__).parent / "results" / f"raw-llama-{entry.name}.json"
    out.write_text(json.dumps({"summary": summary, "chunks": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
