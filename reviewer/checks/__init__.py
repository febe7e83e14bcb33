"""Deterministic checks: one class per module, each answering one checklist item."""

from reviewer.checks._base import FileContext, LineCheck, PythonCheck, all_checks

__all__ = ["FileContext", "LineCheck", "PythonCheck", "all_checks"]
