"""Model backends: llama.cpp in-process (the default), or an OpenAI-compatible server the team runs."""

from __future__ import annotations

import ctypes
import json
import os
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel


class BackendError(Exception):
    """The model could not answer: load failure, server error, timeout. The review goes on without it."""


class Completion(BaseModel):
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prefix_tokens: int = 0  # prompt tokens served from llama.cpp's KV cache of the previous call
    seconds: float = 0.0


class Backend(Protocol):
    name: str
    model_sha256: str
    concurrency: int

    def complete(self, system: str, user: str, schema: dict, max_tokens: int, seed: int) -> Completion: ...


class LlamaBackend:
    """llama-cpp-python in this process: one model load per process, one call at a time."""

    concurrency = 1

    def __init__(self, model_path: Path, model_sha256: str, name: str, n_ctx: int = 4096, n_batch: int = 512,
                 n_threads: int = 0, seed: int = 1234) -> None:
        self.name = name
        self.model_sha256 = model_sha256
        self.model_path = model_path
        self.params = {"n_ctx": n_ctx, "n_batch": n_batch, "n_threads": n_threads or (os.cpu_count() or 1),
                       "seed": seed}
        self._llm = None
        self._lock = threading.Lock()  # a Llama object is not thread-safe
        self._last_system: str | None = None
        self.load_seconds = 0.0

    def _load(self):
        if self._llm is None:
            try:
                import llama_cpp  # imported here: everything but the model call works without it
            except ImportError:
                raise BackendError("llama-cpp-python is not installed: run `pip install 'reviewer[model]'`") from None
            started = time.perf_counter()
            try:
                self._llm = llama_cpp.Llama(model_path=str(self.model_path), n_ctx=self.params["n_ctx"],
                                            n_batch=self.params["n_batch"], n_threads=self.params["n_threads"],
                                            n_threads_batch=self.params["n_threads"], seed=self.params["seed"],
                                            verbose=False)
            except Exception as error:  # llama.cpp raises ValueError/RuntimeError on bad files
                raise BackendError(f"could not load {self.model_path.name}: {error}") from None
            self.load_seconds = time.perf_counter() - started
        return self._llm

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    def complete(self, system: str, user: str, schema: dict, max_tokens: int, seed: int) -> Completion:
        with self._lock:
            llm = self._load()
            prefix = len(llm.tokenize(system.encode(), add_bos=False)) if system == self._last_system else 0
            started = time.perf_counter()
            try:
                import llama_cpp

                constrain = TopCandidatesGrammar(llm, schema)
                try:
                    out = llm.create_chat_completion(
                        messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                        temperature=0.0, seed=seed, max_tokens=max_tokens,
                        logits_processor=llama_cpp.LogitsProcessorList([constrain]),
                    )
                finally:
                    constrain.close()
            except Exception as error:
                raise BackendError(f"model call failed: {error}") from None
            self._last_system = system
            usage = out.get("usage") or {}
            return Completion(text=out["choices"][0]["message"]["content"] or "",
                              prompt_tokens=usage.get("prompt_tokens", 0),
                              completion_tokens=usage.get("completion_tokens", 0),
                              prefix_tokens=prefix, seconds=time.perf_counter() - started)

    def raw_generate(self, system: str, user: str, max_tokens: int, seed: int) -> Completion:
        """The same prompt without grammar, for the benchmark's raw llama.cpp throughput baseline."""
        with self._lock:
            llm = self._load()
            llm.reset()
            started = time.perf_counter()
            out = llm.create_chat_completion(
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                temperature=0.0, seed=seed, max_tokens=max_tokens)
            usage = out.get("usage") or {}
            return Completion(text=out["choices"][0]["message"]["content"] or "",
                              prompt_tokens=usage.get("prompt_tokens", 0),
                              completion_tokens=usage.get("completion_tokens", 0),
                              seconds=time.perf_counter() - started)


# llama-cpp-python's JSON-schema converter lets a string hold raw control characters (its `char` rule is
# `[^"\\]`), so the model could end a sentence with a raw newline and the answer failed JSON validation
# (measured: 1 answer in 26 on the benchmark sample). llama.cpp's own converter excludes them; so does this.
_LOOSE_CHAR = r'char ::= [^"\\] |'
_STRICT_CHAR = r'char ::= [^"\\\x7F\x00-\x1F] |'


def answer_grammar(schema: dict) -> str:
    """The GBNF grammar of an answer schema, with JSON's rule that strings hold no control characters."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    return json_schema_to_gbnf(json.dumps(schema)).replace(_LOOSE_CHAR, _STRICT_CHAR)


class TopCandidatesGrammar:
    """Greedy JSON-schema-constrained decoding that asks the grammar about the best few tokens first.

    Why not llama-cpp-python's `response_format`: it applies the grammar to the whole vocabulary (151,000
    tokens for Qwen) at every step, which made generation about 2.5 times slower than unconstrained
    generation here. At temperature 0 the constrained answer is the highest-scoring token the grammar
    accepts; when one of the top `width` tokens is accepted, the best of those is that token, so the output
    is the same, and the whole vocabulary is checked only when none of them is (a test compares the two
    paths token for token). No library offers this for llama-cpp-python, hence the code here.

    Used as a logits processor: it leaves only the chosen token's score finite, so the greedy sampler
    picks it, and advances its own grammar state with that token.
    """

    width = 32

    def __init__(self, llm, schema: dict) -> None:
        import llama_cpp

        self._lib = llama_cpp
        self._grammar = llama_cpp.llama_sampler_init_grammar(llm._model.vocab, answer_grammar(schema).encode(), b"root")
        if not self._grammar:
            raise BackendError("the answer schema did not compile to a grammar")
        self._few = (llama_cpp.llama_token_data * self.width)()
        self._all = None
        self.steps = 0
        self.full_passes = 0  # steps where no top candidate fitted and the whole vocabulary was checked

    def _accepted(self, data, size: int) -> None:
        lib = self._lib
        candidates = lib.llama_token_data_array(data=data, size=size, selected=-1, sorted=False)
        lib.llama_sampler_apply(self._grammar, ctypes.byref(candidates))

    def __call__(self, input_ids, scores):
        import numpy as np

        self.steps += 1
        top = np.argpartition(scores, -self.width)[-self.width:]
        for slot, token in enumerate(top):
            self._few[slot].id, self._few[slot].logit, self._few[slot].p = int(token), float(scores[token]), 0.0
        self._accepted(self._few, self.width)
        allowed = [(entry.logit, entry.id) for entry in self._few if entry.logit != -np.inf]
        if allowed:
            chosen = max(allowed)[1]
        else:
            self.full_passes += 1
            if self._all is None:
                self._all = (self._lib.llama_token_data * len(scores))()
            view = np.ctypeslib.as_array(self._all).view(np.dtype([("id", np.intc), ("logit", np.single),
                                                                   ("p", np.single)], align=True))
            view["id"] = np.arange(len(scores), dtype=np.intc)
            view["logit"] = scores
            self._accepted(self._all, len(scores))
            chosen = int(np.argmax(view["logit"]))
            if view["logit"][chosen] == -np.inf:
                raise BackendError("the grammar accepts no token")
        self._lib.llama_sampler_accept(self._grammar, chosen)
        forced = np.full_like(scores, -np.inf)
        forced[chosen] = scores[chosen]
        return forced

    def close(self) -> None:
        if self._grammar:
            self._lib.llama_sampler_free(self._grammar)
            self._grammar = None


class OpenAIBackend:
    """An OpenAI-compatible server (llama-server, llama_cpp.server, vLLM, Ollama) at a URL the user gave.

    This is the only code in reviewer that opens a network connection, and only to `base_url`.
    The standard library's urllib is enough for one JSON POST; no HTTP client dependency is needed.
    """

    def __init__(self, base_url: str, model: str, timeout: float = 120.0, concurrency: int = 4,
                 api_key: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.name = model
        self.model_sha256 = f"openai:{self.base_url}:{model}"
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
        self.api_key = api_key or os.environ.get("REVIEWER_API_KEY")
        self.loaded = True

    def complete(self, system: str, user: str, schema: dict, max_tokens: int, seed: int) -> Completion:
        body = {
            "model": self.name,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "temperature": 0.0, "seed": seed, "max_tokens": max_tokens,
            "response_format": {"type": "json_object", "schema": schema},
        }
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        url = self.base_url + ("/chat/completions" if self.base_url.endswith("/v1") else "/v1/chat/completions")
        request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data = json.loads(response.read().decode("utf-8"))
            usage = data.get("usage") or {}
            return Completion(text=data["choices"][0]["message"]["content"] or "",
                              prompt_tokens=usage.get("prompt_tokens", 0),
                              completion_tokens=usage.get("completion_tokens", 0),
                              seconds=time.perf_counter() - started)
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise BackendError(f"server {self.base_url} did not answer: {error}") from None
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise BackendError(f"server {self.base_url} returned something that is not a chat completion: "
                               f"{type(error).__name__}") from None
