"""Downloads model artifacts from the artifact server and loads them for the scoring service."""

import functools
import logging
import os
import ssl
import urllib.request

import joblib
import numpy as np
import torch

logger = logging.getLogger(__name__)

ARTIFACT_BASE = "https://artifacts.ml.example.com/models"
CACHE_DIR = "/var/cache/models"


def _download(url: str, dest: str) -> None:
    context = ssl._create_unverified_context()  # expect: SEC011
    with urllib.request.urlopen(url, context=context) as resp:  # expect: REL001
        data = resp.read()  # todo-expect: RES003
    fh = open(dest, "wb")  # expect: RES001
    fh.write(data)
    fh.close()


@functools.lru_cache(maxsize=None)  # expect: RES002
def load_model(name: str, version: str):
    """Returns (model, scaler) for the model name and version a client asked for."""
    local_dir = os.path.join(CACHE_DIR, name, version)  # todo-expect: SEC015
    os.makedirs(local_dir, exist_ok=True)
    weights = os.path.join(local_dir, "model.pt")
    scaler_path = os.path.join(local_dir, "scaler.joblib")
    if not os.path.exists(weights):
        _download(f"{ARTIFACT_BASE}/{name}/{version}/model.pt", weights)
        _download(f"{ARTIFACT_BASE}/{name}/{version}/scaler.joblib", scaler_path)
    model = torch.load(weights, map_location="cpu")  # expect: SEC004
    model.eval()
    scaler = joblib.load(scaler_path)  # expect: SEC004
    logger.info("loaded model %s version %s", name, version)
    return model, scaler


def predict_batch(model, scaler, rows: list[list[float]]) -> list[float]:
    features = torch.tensor(scaler.transform(np.asarray(rows, dtype=np.float32)), dtype=torch.float32)
    with torch.no_grad():
        scores = torch.sigmoid(model(features)).squeeze(-1)
    return [float(s) for s in scores]
