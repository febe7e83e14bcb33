"""Loads the similar-items model from the model registry and serves nearest neighbours."""
import json
import logging
import os
from pathlib import Path

import boto3
import torch
from botocore.config import Config
from fastapi import FastAPI, HTTPException, Query
from safetensors.torch import load_file

from .similar_items import SimilarItemsModel

logger = logging.getLogger(__name__)

MODEL_BUCKET = os.environ.get("MODEL_BUCKET", "acme-ml-artifacts")
MODEL_PREFIX = os.environ.get("SIMILAR_MODEL_PREFIX", "similar/latest")
CACHE_DIR = Path(os.environ.get("MODEL_CACHE_DIR", "/var/cache/recs"))

s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=60))


def fetch(name: str) -> Path:
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    target = CACHE_DIR / name
    s3.download_file(MODEL_BUCKET, f"{MODEL_PREFIX}/{name}", str(target))
    return target


def load_model() -> tuple[SimilarItemsModel, list[str]]:
    vocab = json.loads(fetch("vocab.json").read_text())  # ok: SEC004
    model = SimilarItemsModel(num_items=len(vocab))
    model.load_state_dict(load_file(str(fetch("model.safetensors"))))  # ok: SEC004
    optimizer_state = torch.load(fetch("optimizer.pt"), map_location="cpu", weights_only=True)  # ok: SEC004
    logger.info("similar-items model loaded (%s items, step %s)", len(vocab), optimizer_state.get("step"))
    model.eval()
    return model, vocab


def create_app() -> FastAPI:
    model, vocab = load_model()
    index = {sku: i for i, sku in enumerate(vocab)}
    app = FastAPI(title="Similar items")

    @app.get("/similar/{sku}")
    def similar(sku: str, k: int = Query(10, ge=1, le=50)):
        if sku not in index:
            raise HTTPException(status_code=404, detail="unknown sku")
        with torch.no_grad():
            neighbours = model.nearest(index[sku], k=k)
        return {"sku": sku, "similar": [vocab[i] for i in neighbours]}

    return app
