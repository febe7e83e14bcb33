"""End to end through the real llama.cpp path with the tiny model: schema-valid answers, then a cache hit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from model_support import requires_model

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "payments_change.diff"


def review(cache_dir: Path) -> dict:
    env = dict(os.environ, REVIEWER_CACHE_DIR=str(cache_dir))
    proc = subprocess.run([sys.executable, "-m", "reviewer", "review", "--patch", str(EXAMPLE), "--model", "tiny",
                           "--format", "json", "--fail-on", "never", "--max-items", "2"],
                          capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@requires_model
def test_tiny_model_answers_are_schema_valid_and_cached(tmp_path):
    first = review(tmp_path)
    asked = [c for c in first["coverage"]["chunks"] if c["model"] == "asked"]
    assert asked, first["coverage"]
    assert first["stats"]["model_calls"] == len(asked)
    assert first["stats"]["model_loaded"] is True
    assert first["stats"]["invalid_answers"] == 0  # constrained decoding gave schema-valid JSON
    assert first["stats"]["completion_tokens"] > 0
    check_ids = {(f["id"], f["line"]) for f in first["findings"] if f["source"] in ("check", "both")}
    assert ("REL001", 19) in check_ids  # the model never removes a deterministic finding

    second = review(tmp_path)
    assert second["stats"]["model_calls"] == 0
    assert second["stats"]["model_loaded"] is False
    assert second["stats"]["cache_hits"] == len(asked)
    assert second["findings"] == first["findings"]


@requires_model
def test_the_answer_writer_fills_the_schema_from_the_model_s_own_prompt_and_reuses_its_kv_prefix():
    """Through llama.cpp with the tiny model: the prompt is the one llama-cpp-python's chat completion builds,
    every answer validates, and a second prompt starting the same way is not evaluated again from the start."""
    from reviewer.ask import AskSettings, build_prompt
    from reviewer.checklist import load_checklist
    from reviewer.findings import Chunk, FileKind, answer_model

    from reviewer.llm import LlamaBackend
    from reviewer.registry import find_model, model_file

    entry = find_model("tiny")
    backend = LlamaBackend(model_file(entry), entry.sha256, entry.name, n_ctx=entry.llama.n_ctx,
                           n_batch=entry.llama.n_batch, n_threads=entry.llama.n_threads, seed=entry.llama.seed)
    checklist = load_checklist()
    settings = AskSettings(model_name=entry.name, model_sha256=entry.sha256)
    code = (ROOT / "benchmarks" / "cases" / "apps" / "ticket_office" / "seat_purchase.py").read_text()
    text = "\n".join(code.splitlines()[40:70]) + "\n"
    chunk = Chunk(file="seat_purchase.py", kind="function", symbol="purchase_ticket", start=41, end=70,
                  changed_lines=list(range(41, 71)), text=text, language=FileKind.python,
                  content_hash=Chunk.hash_of("seat_purchase.py", 41, text))
    completions = []
    for items in (["DB004", "REL003"], ["ERR003"], ["SEC005", "DB005", "REL004"]):
        prompt = build_prompt(chunk, items, [], checklist, settings)
        completion = backend.complete(prompt.system, prompt.user, prompt.schema_, 96 * len(items) + 16, 1234)
        answer_model(items, list(range(41, 71))).model_validate_json(completion.text)
        completions.append(completion)
    assert completions[0].prefix_tokens == 0
    assert all(c.prefix_tokens > 0 for c in completions[1:])  # the system text is shared

    llm = backend._load()
    prompt = build_prompt(chunk, ["DB004"], [], checklist, settings)
    ours = backend._prompt_tokens(llm, prompt.system, prompt.user)
    llm.reset()
    out = llm.create_chat_completion(messages=[{"role": "system", "content": prompt.system},
                                               {"role": "user", "content": prompt.user}], max_tokens=1)
    assert ours == [int(t) for t in llm._input_ids][:out["usage"]["prompt_tokens"]]


@requires_model
def test_bench_with_the_model_sends_the_run_s_own_prompts_to_raw_llama(tmp_path):
    """`reviewer bench` with the model compares reviewer's path with raw llama.cpp in the same run, on prompts
    whose cache keys are the ones the timed run stored (the same text, schema and decoding)."""
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, "-m", "reviewer", "bench", "--select", "apps/ticket_office/seat_purchase.py",
                           "--model", "tiny", "--no-peers", "--raw-chunks", "1", "--output", str(out)],
                          capture_output=True, text=True, cwd=ROOT, check=False, timeout=600,
                          env=dict(os.environ, REVIEWER_CACHE_DIR=str(tmp_path / "cache")))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(out.read_text())
    raw = result["raw_llama"]
    calls = result["model_stats"]["model_calls"]
    assert calls >= 1
    assert raw["chunks"] == 1 and raw["of_run_calls"] == calls
    assert raw["prompts_matched"] == 1
    assert raw["rows"][0]["generated"] > 0 and raw["rows"][0]["raw_s"] > 0
    assert raw["reviewer_over_raw"] > 0
