"""Find the data folders that ship with reviewer: checklists/, prompts/ and models/."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def data_dir(name: str) -> Path:
    """The folder `name` inside the installed package (wheel), else the one at the top of the checkout."""
    packaged = resources.files("reviewer").joinpath("_data", name)
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = _CHECKOUT / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"reviewer's {name}/ folder is missing from this installation")
