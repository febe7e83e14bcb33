"""AnswerWriter: the JSON's fixed text is written by the code, values are chosen by the model, the result fits."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reviewer.findings import answer_model
from reviewer.llm import AnswerShape, AnswerWriter


class ScriptedModel:
    """A toy model: a small vocabulary, and at each decision the pieces it prefers, best first."""

    def __init__(self, preferences: list[list[str]]) -> None:
        words = ["problem", "pro", "blem", "ok", "not_applicable", "maybe", "high", "low", "medium", "36", "3", "6",
                 "4", ",", '",', '"', " The", " seat", " is", " sold", " twice", ".", "\\n", "\n", " word"]
        singles = [chr(c) for c in range(32, 127)]
        self.vocab = list(dict.fromkeys(words + singles))
        self.preferences = list(preferences)
        self.evaluated: list[int] = []
        self.decisions = 0

    def tokenize(self, text: str) -> list[int]:
        tokens, i = [], 0
        while i < len(text):
            best = max((w for w in self.vocab if text.startswith(w, i)), key=len)
            tokens.append(self.vocab.index(best))
            i += len(best)
        return tokens

    def eval(self, tokens: list[int]) -> None:
        self.evaluated.extend(tokens)

    def logits(self):
        scores = np.zeros(len(self.vocab), dtype=np.float32)
        wanted = self.preferences[self.decisions] if self.decisions < len(self.preferences) else []
        self.decisions += 1
        for rank, piece in enumerate(wanted):
            scores[self.vocab.index(piece)] = 100.0 - rank
        return scores

    def piece(self, token: int) -> bytes:
        return self.vocab[token].encode()


def shape(items=("DB004", "REL003"), lines=(34, 35, 36), why_max=100) -> AnswerShape:
    schema = answer_model(list(items), list(lines)).model_json_schema()
    schema["$defs"]["Problem"]["properties"]["why"]["maxLength"] = why_max
    return AnswerShape.of(schema)


def test_fixed_text_is_written_and_only_values_cost_a_decode_step():
    model = ScriptedModel([
        ["maybe", "pro"], ["blem"], ['"'],            # verdict: "maybe" fits no value and is passed over
        ["36"], [","],                                # line
        [" The", "\\n"], [" seat"], [" is"], [" sold"], [" twice"], ['",'],   # sentence, closed by a quote
        ["high"], ['"'],                              # confidence
        ["ok"], ['"'],                                # second item
    ])
    writer = AnswerWriter(model, shape(), max_tokens=200)
    text = writer.write()
    answer = json.loads(text)
    assert answer == {"DB004": {"verdict": "problem", "line": 36, "why": "The seat is sold twice", "confidence": "high"},
                      "REL003": {"verdict": "ok"}}
    answer_model(["DB004", "REL003"], [34, 35, 36]).model_validate_json(text)
    assert writer.chosen == 14  # pro blem " 36 , The seat is sold twice high " ok "
    assert writer.forced > writer.chosen  # keys and punctuation went in as batches


def test_line_is_one_of_the_chunks_lines_even_when_a_longer_number_scores_higher():
    model = ScriptedModel([['"'] , ["problem"], ['"'], ["36", "3", "4"], ["4"], [","], ['"'], ["low"], ['"']])
    model.preferences = [["problem"], ['"'], ["36", "3"], ["4"], [","], ['"'], ["low"], ['"']]
    text = AnswerWriter(model, shape(items=("DB004",), lines=(34, 35)), max_tokens=100).write()
    assert json.loads(text)["DB004"]["line"] == 34


def test_sentence_never_holds_a_backslash_or_control_character():
    model = ScriptedModel([["problem"], ['"'], ["36"], [","], ["\\n", "\n", " word"], ["\n", '"'], ["high"], ['"']])
    text = AnswerWriter(model, shape(items=("DB004",)), max_tokens=100).write()
    assert json.loads(text)["DB004"]["why"] == "word"


def test_a_sentence_that_reaches_the_cap_ends_on_a_whole_word():
    model = ScriptedModel([["problem"], ['"'], ["36"], [","]] + [[" seat"]] * 40 + [["high"], ['"']])
    text = AnswerWriter(model, shape(items=("DB004",), why_max=30), max_tokens=200).write()
    why = json.loads(text)["DB004"]["why"]
    assert len(why) <= 30 and why.endswith("seat…")


def test_running_out_of_tokens_leaves_an_answer_the_schema_rejects():
    model = ScriptedModel([["problem"], ['"'], ["36"], [","]] + [[" seat"]] * 40)
    text = AnswerWriter(model, shape(items=("DB004",)), max_tokens=20).write()
    with pytest.raises(ValueError):
        answer_model(["DB004"], [34, 35, 36]).model_validate_json(text)


def test_a_schema_that_is_not_an_answer_schema_is_refused():
    from reviewer.llm import BackendError

    with pytest.raises(BackendError):
        AnswerShape.of({"type": "object"})


def test_a_one_line_chunk_has_one_allowed_line():
    one_line = AnswerShape.of(answer_model(["DB004"], [7]).model_json_schema())
    assert one_line.lines == (7,)
    model = ScriptedModel([["problem"], ['"'], ["36", "7"], [","], [" The"], ['"'], ["high"], ['"']])
    model.vocab.append("7,")
    text = AnswerWriter(model, one_line, max_tokens=100).write()
    assert json.loads(text)["DB004"]["line"] == 7
