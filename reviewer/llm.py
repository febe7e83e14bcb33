"""Model backends: llama.cpp in-process (the default), or an OpenAI-compatible server the team runs."""

from __future__ import annotations

import dataclasses
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
        shape = AnswerShape.of(schema)
        with self._lock:
            llm = self._load()
            started = time.perf_counter()
            try:
                prompt = self._prompt_tokens(llm, system, user)
                # llama.cpp keeps the KV state of what it evaluated last; the prompt's common prefix with it is
                # not evaluated again (at least the last token is, for its logits).
                previous = [int(t) for t in llm._input_ids]
                shared = min(_shared_prefix(previous, prompt), len(prompt) - 1)
                llm.n_tokens = shared
                model = _LlamaTokens(llm)
                model.eval(prompt[shared:])
                writer = AnswerWriter(model, shape, max_tokens)
                text = writer.write()
            except BackendError:
                raise
            except Exception as error:
                raise BackendError(f"model call failed: {error}") from None
            return Completion(text=text, prompt_tokens=len(prompt), completion_tokens=writer.chosen + writer.forced,
                              prefix_tokens=shared, seconds=time.perf_counter() - started)

    def raw_completion(self, system: str, user: str, max_tokens: int, seed: int, schema: dict | None = None) -> dict:
        """For the benchmark: the same prompt through llama-cpp-python's own chat completion, from an empty KV
        cache, unconstrained (or with its JSON-schema grammar when `schema` is given), timed by llama.cpp."""
        import llama_cpp

        with self._lock:
            llm = self._load()
            llm.reset()
            llama_cpp.llama_perf_context_reset(llm.ctx)
            extra = {"response_format": {"type": "json_object", "schema": schema}} if schema is not None else {}
            started = time.perf_counter()
            llm.create_chat_completion(messages=[{"role": "system", "content": system},
                                                 {"role": "user", "content": user}],
                                       temperature=0.0, seed=seed, max_tokens=max_tokens, **extra)
            seconds = time.perf_counter() - started
            perf = llama_cpp.llama_perf_context(llm.ctx)
            return {"seconds": seconds, "prompt_eval_tok_s": perf.n_p_eval / max(perf.t_p_eval_ms / 1000, 1e-9),
                    "generation_tok_s": perf.n_eval / max(perf.t_eval_ms / 1000, 1e-9)}

    def reset(self) -> None:
        """Forget the KV state, so the next prompt is evaluated from its first token."""
        with self._lock:
            self._load().reset()

    @staticmethod
    def _prompt_tokens(llm, system: str, user: str) -> list[int]:
        """The prompt as llama-cpp-python's chat completion builds it: the model's own chat template."""
        from llama_cpp import llama_chat_format

        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        template = llm.metadata.get("tokenizer.chat_template")
        if template:
            text = lambda token: llm._model.token_get_text(token) if token != -1 else ""  # noqa: E731
            formatter = llama_chat_format.Jinja2ChatFormatter(
                template=template, eos_token=text(llm.token_eos()), bos_token=text(llm.token_bos()),
                stop_token_ids=[llm.token_eos()])
            result = formatter(messages=messages)
        else:
            result = llama_chat_format.format_chatml(messages=messages)
        return llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)


def _shared_prefix(previous: list[int], prompt: list[int]) -> int:
    """How many leading prompt tokens were already evaluated: llama.cpp did not evaluate them again."""
    count = 0
    for old, new in zip(previous, prompt):
        if old != new:
            break
        count += 1
    return count


@dataclasses.dataclass(frozen=True)
class AnswerShape:
    """What an answer schema (findings.answer_model) leaves to the model: per item, a verdict; for a problem, a
    line from the chunk, a sentence and a confidence. Everything else in the JSON is fixed text."""

    items: tuple[str, ...]
    problem: str
    fine: tuple[str, ...]
    lines: tuple[int, ...]
    why_max: int
    confidences: tuple[str, ...]

    @classmethod
    def of(cls, schema: dict) -> AnswerShape:
        def choices(prop: dict) -> tuple:  # pydantic writes a one-value Literal as `const`
            return tuple(prop["enum"]) if "enum" in prop else (prop["const"],)

        try:
            defs = schema["$defs"]
            problem = defs["Problem"]["properties"]
            return cls(items=tuple(schema["properties"]), problem=choices(problem["verdict"])[0],
                       fine=choices(defs["Fine"]["properties"]["verdict"]), lines=choices(problem["line"]),
                       why_max=int(problem["why"]["maxLength"]), confidences=choices(defs["Confidence"]))
        except (KeyError, TypeError, ValueError, IndexError):
            raise BackendError("the schema is not an answer schema this backend can fill") from None


class TokenModel(Protocol):
    """The few things AnswerWriter needs from a model: evaluate tokens, read the last logits, tokens <-> bytes."""

    def eval(self, tokens: list[int]) -> None: ...

    def logits(self): ...

    def piece(self, token: int) -> bytes: ...

    def tokenize(self, text: str) -> list[int]: ...


class AnswerWriter:
    """Greedy decoding of an answer that writes the JSON's fixed text itself and asks the model only for values.

    Why: a constrained decoder (a grammar, as llama-cpp-python's `response_format` applies) makes the model
    spend a decode step (~60 ms here) on every token of `{"DB004": {"verdict": "` and `", "confidence": "`,
    which is half of an answer's tokens. Here that text is evaluated in one batch, at prompt speed, and a
    decode step is spent only on a value: the verdict and the confidence (the best-scoring token that keeps
    the text a prefix of an allowed value), the line (the same, among the chunk's line numbers) and the
    sentence (the best token with no quote, backslash or control character; a quote ends it, and so does the
    length cap). The result is valid by construction and still checked against the schema by the caller.
    This is "jump-forward" decoding (as in SGLang); no library offers it for llama-cpp-python.
    """

    width = 32  # best tokens looked at first; the whole vocabulary only when none fits

    def __init__(self, model: TokenModel, shape: AnswerShape, max_tokens: int) -> None:
        self.model = model
        self.shape = shape
        self.max_tokens = max_tokens
        self.chosen = 0  # tokens the model chose (one decode step each)
        self.forced = 0  # fixed tokens, evaluated in batches
        self._pieces: dict[int, bytes] = {}
        self._parts: list[str] = []
        self._pending = ""  # fixed text written but not yet evaluated: it is evaluated before the next value

    def write(self) -> str:
        """The answer's JSON text; cut short (and so invalid) when the token budget runs out."""
        shape = self.shape
        try:
            for index, item in enumerate(shape.items):
                self._fixed(("{" if index == 0 else "}, ") + json.dumps(item) + ': {"verdict": "')
                verdict = self._choose([f'{v}"' for v in (shape.problem, *shape.fine)])[:-1]
                if verdict == shape.problem:
                    self._fixed(', "line": ')
                    self._choose([f"{n}," for n in shape.lines])
                    self._fixed(' "why": "')
                    self._sentence()
                    self._fixed('", "confidence": "')
                    self._choose([f'{c}"' for c in shape.confidences])
            self._fixed("}}" if shape.items else "{}")  # the end: nothing follows, so it is never evaluated
        except _OutOfTokens:
            pass
        return "".join(self._parts)

    # --- fixed text ------------------------------------------------------------------------------
    def _fixed(self, text: str) -> None:
        self._parts.append(text)
        self._pending += text

    def _flush(self) -> None:
        """Evaluate the fixed text written since the last value, in one batch."""
        if self._pending:
            tokens = self.model.tokenize(self._pending)
            self._pending = ""
            if self.chosen + self.forced + len(tokens) > self.max_tokens:
                raise _OutOfTokens
            self.forced += len(tokens)
            self.model.eval(tokens)

    # --- values ------------------------------------------------------------------------------------
    def _ranked(self):
        import numpy as np

        scores = self.model.logits()
        width = min(self.width, len(scores))
        top = np.argpartition(scores, -width)[-width:]
        yield from (int(t) for t in top[np.argsort(-scores[top], kind="stable")])
        seen = np.zeros(len(scores), dtype=bool)
        seen[top] = True
        yield from (int(t) for t in np.argsort(-scores, kind="stable") if not seen[t])

    def _piece(self, token: int) -> bytes:
        found = self._pieces.get(token)
        if found is None:
            found = self._pieces[token] = self.model.piece(token)
        return found

    def _step(self, token: int) -> None:
        if self.chosen + self.forced >= self.max_tokens:
            raise _OutOfTokens
        self.chosen += 1
        self.model.eval([token])

    def _choose(self, options: list[str]) -> str:
        """One of `options`, token by token: the best token that keeps the text a prefix of some option."""
        self._flush()
        written = b""
        targets = [o.encode() for o in options]
        while written not in targets:
            for token in self._ranked():
                piece = self._piece(token)
                if piece and any(t.startswith(written + piece) for t in targets):
                    break
            else:  # pragma: no cover - every option is spelled by some tokens
                raise BackendError("no token continues an allowed value")
            self._step(token)
            written += piece
        self._parts.append(written.decode())
        return written.decode()

    def _sentence(self) -> None:
        """Free text up to the closing quote: the best token with no backslash or control character."""
        self._flush()
        written = b""
        while len(written.decode("utf-8", "ignore")) < self.shape.why_max:
            for token in self._ranked():
                piece = self._piece(token)
                if piece and b"\\" not in piece and not any(b < 0x20 or b == 0x7F for b in piece):
                    break
            else:  # pragma: no cover - plain words are always among the tokens
                raise BackendError("no token continues the sentence")
            if b'"' in piece:
                # The model closed the string. What came before the quote in that token is kept, and evaluated
                # with the fixed text that follows.
                before = piece.split(b'"', 1)[0].decode("utf-8", "ignore")
                written += before.encode()
                self._pending += before
                break
            self._step(token)
            written += piece
        text = written.decode("utf-8", "ignore")
        if len(text) >= self.shape.why_max:  # cut at the cap: end on a whole word, and say it goes on
            text = text[:self.shape.why_max - 1].strip().rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
        text = text.strip()
        self._parts.append(json.dumps(text, ensure_ascii=False)[1:-1])


class _OutOfTokens(Exception):
    pass


class _LlamaTokens:
    """A llama_cpp.Llama seen as a TokenModel."""

    def __init__(self, llm) -> None:
        self._llm = llm

    def eval(self, tokens: list[int]) -> None:
        self._llm.eval(tokens)

    def logits(self):
        import numpy as np

        # After `eval`, llama.cpp holds the logits of the batch's last token (llama-cpp-python no longer
        # copies them unless every position's are kept).
        return np.ctypeslib.as_array(self._llm._ctx.get_logits(), shape=(self._llm.n_vocab(),))

    def piece(self, token: int) -> bytes:
        return self._llm.detokenize([token])

    def tokenize(self, text: str) -> list[int]:
        return self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)


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
