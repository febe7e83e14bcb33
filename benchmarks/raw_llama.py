"""Raw llama.cpp against reviewer's model path on the same prompts, in one run.

    .venv/bin/python benchmarks/raw_llama.py benchmarks/cases/apps/ticket_office/seat_purchase.py [--model NAME]

For each chunk reviewer would ask about, the same rendered prompt is sent three ways, each from a reset
KV cache: raw llama.cpp generating a fixed number of tokens with no grammar (prompt-eval and generation
tokens/s); llama.cpp with reviewer's JSON-schema grammar; and reviewer's whole ask path (routing, prompt,
grammar, validation, verification). Overhead is reviewer's time over raw llama.cpp's for the same tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from reviewer.ask import AskSettings, build_prompt
from reviewer.checklist import load_checklist
from reviewer.checks._base import parse_python
from reviewer.chunking import chunk_file
from reviewer.diff import select_paths
from reviewer.engine import review
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
    llm = llama_cpp.Llama(model_path=str(model_file(entry)), n_ctx=entry.llama.n_ctx, n_batch=entry.llama.n_batch,
                          n_threads=threads, n_threads_batch=threads, seed=entry.llama.seed, verbose=False)
    checklist = load_checklist()
    settings = AskSettings(model_name=entry.name, model_sha256=entry.sha256)
    selection = select_paths([Path(p) for p in args.paths])
    report = review(selection)
    rows = []
    for change in selection.changes:
        chunks, _ = chunk_file(change, parse_python(change.text))
        for chunk in chunks:
            routed = route(chunk, checklist, report.findings, settings.max_items)
            if not routed:
                continue
            prompt = build_prompt(chunk, [r.id for r in routed], report.findings, checklist, settings)
            messages = [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]
            max_tokens = settings.max_tokens * len(routed) + 16
            llm.reset()
            started = time.perf_counter()
            guided = llm.create_chat_completion(messages=messages, temperature=0.0, seed=settings.seed,
                                                max_tokens=max_tokens,
                                                response_format={"type": "json_object", "schema": prompt.schema_})
            guided_s = time.perf_counter() - started
            generated = guided["usage"]["completion_tokens"]
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
                         "raw_s": raw_s, "grammar_s": guided_s})
    summary = {
        "model": entry.name, "chunks": len(rows),
        "median_prompt_eval_tok_s": round(statistics.median(r["prompt_eval_tok_s"] for r in rows), 1),
        "median_raw_generation_tok_s": round(statistics.median(r["raw_gen_tok_s"] for r in rows), 1),
        "median_raw_s": round(statistics.median(r["raw_s"] for r in rows), 2),
        "median_with_grammar_s": round(statistics.median(r["grammar_s"] for r in rows), 2),
        "grammar_over_raw": round(sum(r["grammar_s"] for r in rows) / sum(r["raw_s"] for r in rows), 2),
    }
    print(json.dumps(summary, indent=2))
    out = Path(__file__).parent / "results" / f"raw-llama-{entry.name}.json"
    out.write_text(json.dumps({"summary": summary, "chunks": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
