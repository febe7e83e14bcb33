"""Whether the tiny model can run here; CI sets REVIEWER_REQUIRE_MODEL_TEST so these tests fail, not skip."""

from __future__ import annotations

import os

import pytest


def tiny_model_available() -> bool:
    try:
        import llama_cpp  # noqa: F401

        from reviewer.registry import find_model, is_available

        return is_available(find_model("tiny"))
    except Exception:
        return False


requires_model = pytest.mark.skipif(
    not tiny_model_available() and not os.environ.get("REVIEWER_REQUIRE_MODEL_TEST"),
    reason="llama-cpp-python or the tiny model is not installed (scripts/setup model-tiny)",
)
