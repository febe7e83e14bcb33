"""Raw llama.cpp beside reviewer's model path, on the prompts the benchmark run itself asked.

`reviewer bench` (with the model) calls `compare_with_raw` after its own runs. It drives the real pipeline
in this process (select, check, chunk, route, build the prompt) with a backend that, for every k-th call,
sends the same prompt twice, each from an empty KV cache: once through reviewer's backend (LlamaBackend:
the answer's fixed JSON text evaluated in batches, a decode step only for values), once as raw llama.cpp
chat completion with no constraint, generating as many tokens as reviewer's answer had. llama.cpp's own
timers give prompt-eval and generation tokens/s. `reviewer_over_raw` is reviewer's time over raw llama.cpp's
for the same prompts and answer lengths; below 1 means the fixed text made it faster.

Each measured prompt's cache key is looked up in the benchmark run's result cache: `prompts_matched` says
how many were the very prompts the run asked (a mismatch would mean this comparison measured other text).
"""

from __future__ import annotations

import statistics
from pathlib import Path

from reviewer.llm import BackendError, Completion, LlamaBackend


class _SideBySide:
    """A Backend for the model step: every k-th prompt is answered by reviewer's path and then sent raw;
    the others get an empty answer (it fails validation and is discarded with this pass's report)."""

    concurrency = 1

    def __init__(self, backend: LlamaBackend, every: int, limit: int, grammar: bool) -> None:
        self.backend, self.every, self.limit, self.grammar = backend, every, limit, grammar
        self.name, self.model_sha256 = backend.name, backend.model_sha256
        self.calls = 0
        self.rows: list[dict] = []
        self.prompts: list[tuple[str, str, dict]] = []

    def complete(self, system: str, user: str, schema: dict, max_tokens: int, seed: int) -> Completion:
        self.calls += 1
        if (self.calls - 1) % self.every or len(self.rows) >= self.limit:
            return Completion(text="")
        self.backend.reset()
        ours = self.backend.complete(system, user, schema, max_tokens, seed)
        row = {"prompt_tokens": ours.prompt_tokens, "generated": ours.completion_tokens, "reviewer_s": ours.seconds}
        if self.grammar:
            # llama-cpp-python's own JSON-schema path: a grammar over the whole vocabulary at every token.
            row["full_vocabulary_grammar_s"] = self.backend.raw_completion(system, user, max_tokens, seed,
                                                                           schema=schema)["seconds"]
        raw = self.backend.raw_completion(system, user, max(ours.completion_tokens, 1), seed)
        row.update(raw_s=raw["seconds"], prompt_eval_tok_s=raw["prompt_eval_tok_s"],
                   raw_generation_tok_s=raw["generation_tok_s"])
        self.rows.append(row)
        self.prompts.append((system, user, schema))
        return ours


def compare_with_raw(reviewed_root: Path, paths: list[str] | None, model: str | None, run_calls: int,
                     chunks: int, run_cache_dir: Path | None = None, grammar: bool = False) -> dict:
    """Up to `chunks` of the run's `run_calls` prompts, spread evenly over them, sent both ways."""
    from reviewer.ask import AskSettings, make_model_step, prompt_key
    from reviewer.cache import ResultCache
    from reviewer.diff import select_paths
    from reviewer.engine import ReviewOptions, review
    from reviewer.prompts import load_prompt
    from reviewer.registry import find_model, model_file

    entry = find_model(model)
    backend = LlamaBackend(model_file(entry), entry.sha256, entry.name, n_ctx=entry.llama.n_ctx,
                           n_batch=entry.llama.n_batch, n_threads=entry.llama.n_threads, seed=entry.llama.seed)
    # The settings `reviewer scan` uses with no configuration, so the prompts are the run's own.
    settings = AskSettings(model_name=entry.name, model_sha256=entry.sha256, max_tokens=entry.llama.max_tokens,
                           seed=entry.llama.seed, use_cache=False, progress=False)
    side = _SideBySide(backend, every=max(1, run_calls // max(chunks, 1)), limit=chunks, grammar=grammar)
    selection = select_paths([reviewed_root / p for p in paths] if paths else [reviewed_root], root=reviewed_root)
    try:
        review(selection, ReviewOptions(use_model=True, use_cache=False),
               model_step=make_model_step(settings, lambda: side, None))
    except BackendError as error:
        return {"error": str(error)}
    rows = side.rows
    if not rows:
        return {"chunks": 0}
    matched = None
    if run_cache_dir is not None:
        cache = ResultCache(directory=run_cache_dir / "results")
        version = load_prompt("review").version
        matched = sum(cache.get(prompt_key(settings, version, system, user, schema)) is not None
                      for system, user, schema in side.prompts)
    summary = {
        "model": entry.name, "chunks": len(rows), "of_run_calls": run_calls, "prompts_matched": matched,
        "median_prompt_tokens": round(statistics.median(r["prompt_tokens"] for r in rows)),
        "median_generated_tokens": round(statistics.median(r["generated"] for r in rows)),
        "median_prompt_eval_tok_s": round(statistics.median(r["prompt_eval_tok_s"] for r in rows), 1),
        "median_raw_generation_tok_s": round(statistics.median(r["raw_generation_tok_s"] for r in rows), 1),
        "median_raw_s": round(statistics.median(r["raw_s"] for r in rows), 2),
        "median_reviewer_s": round(statistics.median(r["reviewer_s"] for r in rows), 2),
        "reviewer_over_raw": round(sum(r["reviewer_s"] for r in rows) / sum(r["raw_s"] for r in rows), 2),
    }
    if grammar:
        summary["median_full_vocabulary_grammar_s"] = round(
            statistics.median(r["full_vocabulary_grammar_s"] for r in rows), 2)
        summary["full_vocabulary_grammar_over_raw"] = round(
            sum(r["full_vocabulary_grammar_s"] for r in rows) / sum(r["raw_s"] for r in rows), 2)
    return summary | {"rows": [{k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()} for r in rows]}
