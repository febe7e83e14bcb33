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
def test_top_candidates_grammar_decodes_what_the_full_vocabulary_grammar_decodes():
    """The fast constrained path must give the same answer, token for token, as llama-cpp-python's own."""
    from reviewer.ask import AskSettings, build_prompt
    from reviewer.checklist import load_checklist
    from reviewer.findings import Chunk, FileKind
    from llama_cpp.llama_grammar import LlamaGrammar

    from reviewer.llm import LlamaBackend, answer_grammar
    from reviewer.registry import find_model, model_file

    entry = find_model("tiny")
    backend = LlamaBackend(model_file(entry), entry.sha256, entry.name, n_ctx=entry.llama.n_ctx,
                           n_batch=entry.llama.n_batch, n_threads=entry.llama.n_threads, seed=entry.llama.seed)
    checklist = load_checklist()
    settings = AskSettings(model_name=entry.name, model_sha256=entry.sha256)
    code = (ROOT / "benchmarks" / "cases" / "apps" / "ticket_office" / "seat_purchase.py").read_text()
    lines = code.splitlines()[40:70]
    text = "\n".join(lines) + "\n"
    chunk = Chunk(file="seat_purchase.py", kind="function", symbol="purchase_ticket", start=41, end=70,
                  changed_lines=list(range(41, 71)), text=text, language=FileKind.python,
                  content_hash=Chunk.hash_of("seat_purchase.py", 41, text))
    for items in (["DB004", "REL003"], ["ERR003"], ["SEC005", "DB005", "REL004"]):
        prompt = build_prompt(chunk, items, [], checklist, settings)
        fast = backend.complete(prompt.system, prompt.user, prompt.schema_, 120, 1234)
        llm = backend._load()
        full = llm.create_chat_completion(
            messages=[{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}],
            grammar=LlamaGrammar.from_string(answer_grammar(prompt.schema_), verbose=False), temperature=0.0,
            seed=1234, max_tokens=120)
        assert fast.text == full["choices"][0]["message"]["content"]
        assert fast.completion_tokens == full["usage"]["completion_tokens"]


@requires_model
def test_answer_grammar_keeps_control_characters_out_of_strings():
    """llama-cpp-python's converter allows a raw newline in a string, which strict JSON (pydantic) rejects."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    from reviewer.findings import answer_model
    from reviewer.llm import answer_grammar

    schema = answer_model(["REL001"], [3, 4]).model_json_schema()
    loose = [line for line in json_schema_to_gbnf(json.dumps(schema)).splitlines() if line.startswith("char ::=")]
    strict = [line for line in answer_grammar(schema).splitlines() if line.startswith("char ::=")]
    assert loose and strict and loose != strict
    assert r"\x00-\x1F" in strict[0]
