"""Load and render the prompts in prompts/*.toml (Jinja2, StrictUndefined)."""

from __future__ import annotations

import functools
import tomllib

import jinja2
import jinja2.meta
from pydantic import BaseModel, ConfigDict

from reviewer.resources import data_dir

_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False,
                          trim_blocks=True, lstrip_blocks=True)  # prompts are plain text, not HTML: escaping would garble code


class PromptTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    version: str
    inputs: list[str]
    system: str
    user: str

    def variables(self) -> set[str]:
        """Every variable the templates use: must equal the declared inputs (a test checks it)."""
        found: set[str] = set()
        for source in (self.system, self.user):
            found |= jinja2.meta.find_undeclared_variables(_ENV.parse(source))
        return found

    def render(self, **values: object) -> tuple[str, str]:
        missing = set(self.inputs) - set(values)
        extra = set(values) - set(self.inputs)
        if missing or extra:
            raise ValueError(f"prompt {self.name}: missing {sorted(missing)}, unexpected {sorted(extra)}")
        system = _compiled(self.system).render(**values).strip()
        user = _compiled(self.user).render(**values).strip()
        return system, user


@functools.lru_cache(maxsize=32)
def _compiled(source: str) -> jinja2.Template:
    # Compiling a template costs more than rendering it: once per process, not once per chunk (a cached
    # review renders every chunk's prompt to find its cache key).
    return _ENV.from_string(source)


@functools.lru_cache(maxsize=None)
def load_prompt(name: str) -> PromptTemplate:
    path = data_dir("prompts") / f"{name}.toml"
    return PromptTemplate.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))


def all_prompts() -> list[PromptTemplate]:
    return [load_prompt(p.stem) for p in sorted(data_dir("prompts").glob("*.toml"))]
