"""Deterministic checks: one class per module, each answering one checklist item."""

from __future__ import annotations

import importlib

__all__ = ["FileContext", "LineCheck", "PythonCheck", "all_checks"]


def __getattr__(name: str):
    # Loaded on first use, not with the package: the machinery imports libcst (0.13 s), and a review whose
    # files are all in the result cache never needs it.
    if name in __all__:
        return getattr(importlib.import_module("reviewer.checks._base"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
