"""Known local models: where each comes from, its sha256, and assembling it into the user cache, verified."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import platformdirs
from pydantic import Field, ValidationError

from reviewer.findings import StrictModel
from reviewer.resources import data_dir

DEFAULT_MODEL = "qwen2.5-coder-1.5b"
GGUF_MAGIC = b"GGUF"
_CHUNK = 1 << 20

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


class ModelError(Exception):
    """A model that cannot be used, with the one line that says what to run."""


class ModelPart(StrictModel):
    package: str
    version: str
    module: str
    file: str | None = None


class ModelSource(StrictModel):
    kind: str = Field(pattern="^(parts|package-file|path)$")
    parts: list[ModelPart] = Field(default_factory=list)
    path: str | None = None


class LlamaParams(StrictModel):
    n_ctx: int = 4096
    n_batch: int = 512
    seed: int = 1234
    max_tokens: int = 96  # per asked item: a problem answer is ~60 tokens with its 140-character explanation
    n_threads: int = 0  # 0: all cores


class ModelEntry(StrictModel):
    name: str
    profile: str = "user"
    description: str = ""
    file_name: str
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    size: int
    license: str = "unknown"
    extra: str = ""
    source: ModelSource
    llama: LlamaParams = Field(default_factory=LlamaParams)

    def install_hint(self) -> str:
        if self.source.kind == "path":
            return f"register it again with `reviewer models add PATH.gguf --name {self.name}`"
        return f"run `pip install 'reviewer[{self.extra}]'` then `reviewer models install {self.name}`"


def cache_dir() -> Path:
    return Path(os.environ.get("REVIEWER_CACHE_DIR") or platformdirs.user_cache_dir("reviewer"))


def config_dir() -> Path:
    return Path(os.environ.get("REVIEWER_CONFIG_DIR") or platformdirs.user_config_dir("reviewer"))


def _load_entry(path: Path) -> ModelEntry:
    try:
        return ModelEntry.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as error:
        first = str(error).splitlines()[0]
        raise ModelError(f"{path}: invalid model entry: {first}") from None


def known_models() -> dict[str, ModelEntry]:
    """Shipped entries first, then the user's own (`reviewer models add`), by name."""
    entries: dict[str, ModelEntry] = {}
    folders = [data_dir("models"), config_dir() / "models"]
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                entry = _load_entry(path)
                entries[entry.name] = entry
    return entries


def find_model(name_or_path: str | None) -> ModelEntry:
    """A model by registry name or profile (default, fast, tiny), or any GGUF file by path."""
    wanted = name_or_path or DEFAULT_MODEL
    models = known_models()
    if wanted in models:
        return models[wanted]
    for entry in models.values():
        if entry.profile == wanted:
            return entry
    candidate = Path(wanted).expanduser()
    if candidate.suffix == ".gguf" or candidate.exists():
        if not candidate.is_file():
            raise ModelError(f"model file {candidate} does not exist")
        _require_gguf(candidate)
        stat = candidate.stat()
        return ModelEntry(name=candidate.stem, file_name=candidate.name, sha256=_cached_sha256(candidate),
                          size=stat.st_size, source=ModelSource(kind="path", path=str(candidate.resolve())))
    names = ", ".join(sorted(models))
    raise ModelError(f"unknown model {wanted!r}: known models are {names}, or give a path to a .gguf file")


def _require_gguf(path: Path) -> None:
    with open(path, "rb") as handle:
        if handle.read(4) != GGUF_MAGIC:
            raise ModelError(f"{path} is not a GGUF model file")


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _stamp_path(path: Path) -> Path:
    key = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]
    return cache_dir() / "verified" / f"{key}.json"


def _cached_sha256(path: Path) -> str:
    """sha256 of a file, remembered against its size and mtime so a 1 GB model is hashed once."""
    stat = path.stat()
    stamp = _stamp_path(path)
    try:
        data = json.loads(stamp.read_text())
        if data["size"] == stat.st_size and data["mtime_ns"] == stat.st_mtime_ns:
            return data["sha256"]
    except (OSError, ValueError, KeyError):
        pass
    digest = _sha256_file(path)
    _write_atomic_text(stamp, json.dumps({"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}))
    return digest


def _write_atomic_text(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a stamp we cannot write only costs a re-hash next time


def _part_file(part: ModelPart, index: int) -> Path:
    spec = importlib.util.find_spec(part.module)
    if spec is None or spec.origin is None:
        raise ModelError(f"model package {part.package}=={part.version} is not installed")
    base = Path(spec.origin).parent
    if part.file:
        path = base / part.file
    else:
        found = sorted((base / "data").glob("part*.bin"))
        if not found:
            raise ModelError(f"model package {part.package} has no data/part*.bin file")
        path = found[0]
    if not path.is_file():
        raise ModelError(f"model package {part.package} is missing {path.name}")
    return path


def model_file(entry: ModelEntry, progress: Progress | None = None) -> Path:
    """The verified GGUF file for an entry, assembling it from its packages on first use."""
    if entry.source.kind == "path":
        path = Path(entry.source.path or "")
        if not path.is_file():
            raise ModelError(f"model file {path} for {entry.name} is missing: {entry.install_hint()}")
        _verify(path, entry)
        return path
    try:
        parts = [_part_file(part, i) for i, part in enumerate(entry.source.parts)]
    except ModelError as error:
        raise ModelError(f"{error}: {entry.install_hint()}") from None
    if entry.source.kind == "package-file":
        _verify(parts[0], entry)
        return parts[0]
    target = cache_dir() / "models" / entry.file_name
    if target.is_file():
        try:
            _verify(target, entry)
            return target
        except ModelError:
            target.unlink(missing_ok=True)  # a damaged copy of ours: assemble again
    return _assemble(parts, target, entry, progress)


def _verify(path: Path, entry: ModelEntry) -> None:
    _require_gguf(path)
    if path.stat().st_size != entry.size:
        raise ModelError(f"{path} has {path.stat().st_size} bytes, expected {entry.size}: {entry.install_hint()}")
    if _cached_sha256(path) != entry.sha256:
        raise ModelError(f"{path} does not match its sha256: {entry.install_hint()}")


def _assemble(parts: list[Path], target: Path, entry: ModelEntry, progress: Progress | None) -> Path:
    """Concatenate the parts into a temporary file, hash while writing, rename only when the hash matches."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    done = 0
    try:
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as handle:
                    while block := handle.read(_CHUNK):
                        out.write(block)
                        digest.update(block)
                        done += len(block)
                        if progress is not None:
                            progress(done, entry.size)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != entry.sha256:
            raise ModelError(f"assembled {entry.name} does not match its sha256 (a part package is damaged): "
                             f"{entry.install_hint()}")
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    _cached_sha256(target)
    return target


def add_model(path: Path, name: str) -> ModelEntry:
    """Register any GGUF file the user has under a name, in the user's config folder."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise ModelError(f"model name {name!r} may contain only letters, digits, '.', '_' and '-'")
    if not path.is_file():
        raise ModelError(f"{path} does not exist")
    _require_gguf(path)
    entry = ModelEntry(name=name, file_name=path.name, sha256=_cached_sha256(path), size=path.stat().st_size,
                       source=ModelSource(kind="path", path=str(path.resolve())))
    text = (f'name = "{name}"\nprofile = "user"\nfile_name = {json.dumps(entry.file_name)}\n'
            f'sha256 = "{entry.sha256}"\nsize = {entry.size}\n\n[source]\nkind = "path"\n'
            f"path = {json.dumps(entry.source.path)}\n")
    target = config_dir() / "models" / f"{name}.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return entry


def is_available(entry: ModelEntry) -> bool:
    """Whether the model's files are installed (without hashing anything)."""
    if entry.source.kind == "path":
        return Path(entry.source.path or "").is_file()
    try:
        for i, part in enumerate(entry.source.parts):
            _part_file(part, i)
    except ModelError:
        return False
    return True
