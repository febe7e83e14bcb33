"""Fetches approved model artifacts, verifies their checksums and loads them for the scoring service."""

import functools
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import requests
import torch

from .networks import ChurnNet

logger = logging.getLogger(__name__)

ARTIFACT_BASE = "https://artifacts.ml.example.com/models"
CACHE_DIR = Path("/var/cache/models")
APPROVED = {
    ("churn", "2024-06"): "5b1f0c7e9d2a4e3b8c6f1a0d7e9b2c4f6a8d0e1b3c5f7a9d2e4b6c8f0a1d3e5b",  # ok: SEC005
    ("churn", "2024-09"): "c3e5a7f9b1d3e5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5",  # ok: SEC005
}


@dataclass(frozen=True)
class StandardScaler:
    mean: np.ndarray
    scale: np.ndarray

    def transform(self, rows: np.ndarray) -> np.ndarray:
        return (rows - self.mean) / self.scale


def _fetch(url: str, dest: Path, expected_sha256: str | None) -> None:
    digest = hashlib.sha256()
    with requests.get(url, stream=True, timeout=(3, 60)) as resp:  # ok: REL001
        resp.raise_for_status()
        with tempfile.NamedTemporaryFile(dir=dest.parent, delete=False) as tmp:  # ok: RES001
            for chunk in resp.iter_content(chunk_size=1 << 20):
                digest.update(chunk)
                tmp.write(chunk)
    if expected_sha256 is not None and digest.hexdigest() != expected_sha256:
        os.unlink(tmp.name)
        raise ValueError(f"checksum mismatch for {url}")
    os.replace(tmp.name, dest)


@functools.lru_cache(maxsize=4)  # ok: RES002
def load_approved_model(name: str, version: str) -> tuple[ChurnNet, StandardScaler]:
    expected = APPROVED.get((name, version))
    if expected is None:
        raise KeyError(f"model {name}:{version} is not approved for serving")
    local_dir = CACHE_DIR / name / version  # ok: SEC015
    local_dir.mkdir(parents=True, exist_ok=True)
    weights, scaler_path = local_dir / "model.pt", local_dir / "scaler.json"
    if not weights.exists():
        _fetch(f"{ARTIFACT_BASE}/{name}/{version}/model.pt", weights, expected)
        _fetch(f"{ARTIFACT_BASE}/{name}/{version}/scaler.json", scaler_path, None)
    model = ChurnNet()
    model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))  # ok: SEC004
    model.eval()
    params = json.loads(scaler_path.read_text())
    scaler = StandardScaler(np.asarray(params["mean"], dtype=np.float32), np.asarray(params["scale"], dtype=np.float32))
    logger.info("loaded approved model %s version %s", name, version)
    return model, scaler
