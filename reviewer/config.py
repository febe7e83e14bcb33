"""Configuration from `[tool.reviewer]` in pyproject.toml or from .reviewer.toml; the command line wins."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from pydantic import Field, ValidationError

from reviewer.findings import StrictModel


class ConfigError(Exception):
    """A configuration file the user must fix: one line naming the file and the key."""


class PathSettings(StrictModel):
    """Settings for the files matching a glob, e.g. tests may disable SEC005."""

    paths: list[str]
    disable: list[str] = Field(default_factory=list)


class Config(StrictModel):
    model: str | None = None
    fail_on: str | None = Field(default=None, pattern="^(low|medium|high|critical|never)$")
    model_blocks: bool = False  # whether model-only findings may fail the hook
    model_own_findings: bool = False  # may the model report items no check answers?
    model_extends_checks: bool = False  # may the model report items a check answers where it found nothing?
    fail_closed: bool = False  # whether a missing or failing model fails the hook
    budget: float | None = Field(default=None, gt=0)
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    disable: list[str] = Field(default_factory=list)
    checklists: list[str] = Field(default_factory=list)
    max_items: int | None = Field(default=None, ge=1, le=10)
    backend: str | None = Field(default=None, pattern="^(llama|openai)$")
    base_url: str | None = None
    baseline: str | None = None
    per_path: list[PathSettings] = Field(default_factory=list)
    source: str | None = Field(default=None, exclude=True)

    def selects(self, path: str) -> bool:
        if self.include and not any(fnmatch.fnmatch(path, p) for p in self.include):
            return False
        return not any(fnmatch.fnmatch(path, p) for p in self.exclude)


def _validate(data: dict, origin: Path) -> Config:
    normalised = {key.replace("-", "_"): value for key, value in data.items()}
    try:
        config = Config.model_validate(normalised)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "(top)"
        if problem["type"] == "extra_forbidden":
            raise ConfigError(f"{origin}: unknown key {where!r} in reviewer configuration") from None
        raise ConfigError(f"{origin}: {where}: {problem['msg']}") from None
    config.source = str(origin)
    base = origin.parent
    config.checklists = [str((base / p).resolve()) for p in config.checklists]
    if config.baseline:
        config.baseline = str((base / config.baseline).resolve())
    return config


def load_config(root: Path) -> Config:
    """`.reviewer.toml` if present, else `[tool.reviewer]` in pyproject.toml, else the defaults."""
    for candidate in (root / ".reviewer.toml", root / "pyproject.toml"):
        if not candidate.is_file():
            continue
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"{candidate}: not valid TOML ({error})") from None
        if candidate.name == "pyproject.toml":
            section = data.get("tool", {}).get("reviewer")
            if section is None:
                continue
            return _validate(section, candidate)
        return _validate(data, candidate)
    return Config()
