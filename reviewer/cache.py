"""The result cache: model answers as JSON text in diskcache, keyed by content hash, never pickled."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import diskcache
from diskcache.core import MODE_PICKLE, UNKNOWN

from reviewer.registry import cache_dir

SIZE_LIMIT = 256 << 20


class NoPickleDisk(diskcache.Disk):
    """A diskcache Disk that stores text and bytes only and refuses to unpickle anything.

    diskcache unpickles values it reads (CVE-2025-69872): anyone who can write the cache folder could run
    code in the next review. We store JSON text, so a pickled entry can only be an attack or damage.
    """

    def store(self, value, read, key=UNKNOWN):
        if not read and not isinstance(value, (str, bytes)):
            raise TypeError(f"refusing to pickle a {type(value).__name__} into the cache")
        return super().store(value, read, key=key)

    def fetch(self, mode, filename, value, read):
        if mode == MODE_PICKLE:
            raise ValueError("pickled cache entry rejected")
        return super().fetch(mode, filename, value, read)

    def put(self, key):
        if not isinstance(key, str):
            raise TypeError("cache keys are strings")
        return super().put(key)


def cache_key(model_sha256: str, prompt: str, schema: dict, params: dict) -> str:
    material = json.dumps({"model": model_sha256, "prompt": prompt, "schema": schema, "params": params},
                          sort_keys=True, separators=(",", ":"))
    return "answer:v1:" + hashlib.sha256(material.encode()).hexdigest()


class ResultCache:
    """Model answers by cache key. A cache that cannot be opened or read is treated as empty, never fatal."""

    def __init__(self, directory: Path | None = None, enabled: bool = True) -> None:
        self.directory = directory or cache_dir() / "results"
        self.enabled = enabled
        self.error: str | None = None
        self._cache: diskcache.Cache | None = None
        if enabled:
            try:
                self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
                os.chmod(self.directory, 0o700)
                self._cache = diskcache.Cache(str(self.directory), disk=NoPickleDisk, size_limit=SIZE_LIMIT,
                                              eviction_policy="least-recently-used")
            except (OSError, sqlite3.Error) as error:
                self.error = f"cache unavailable ({error}); answers will not be cached"
                self._cache = None

    def get(self, key: str) -> Any | None:
        if self._cache is None:
            return None
        try:
            raw = self._cache.get(key)
        except (ValueError, OSError, sqlite3.Error):
            return None
        if not isinstance(raw, str):
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return None

    def set(self, key: str, value: Any) -> None:
        if self._cache is None:
            return
        try:
            self._cache.set(key, json.dumps(value, sort_keys=True))
        except (OSError, sqlite3.Error) as error:
            self.error = f"cache write failed ({error})"

    def info(self) -> dict:
        if self._cache is None:
            return {"directory": str(self.directory), "entries": 0, "bytes": 0, "error": self.error}
        return {"directory": str(self.directory), "entries": len(self._cache), "bytes": self._cache.volume(),
                "size_limit": SIZE_LIMIT}

    def clear(self) -> int:
        return self._cache.clear() if self._cache is not None else 0

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
