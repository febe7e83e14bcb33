"""Loads the recommendation models published by the training pipeline and serves scores."""
import logging
import os
from pathlib import Path

import boto3
import joblib
import torch
from botocore.config import Config
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

logger = logging.getLogger(__name__)

MODEL_BUCKET = os.environ.get("MODEL_BUCKET", "acme-ml-artifacts")
MODEL_PREFIX = os.environ.get("MODEL_PREFIX", "recs/latest")
CACHE_DIR = Path(os.environ.get("MODEL_CACHE_DIR", "/var/cache/recs"))

s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=60))
app = FastAPI(title="Recommendations")


class ScoreRequest(BaseModel):
    customer_id: int
    candidate_skus: list[str]


def fetch(name: str) -> Path:
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    target = CACHE_DIR / name
    s3.download_file(MODEL_BUCKET, f"{MODEL_PREFIX}/{name}", str(target))
    return target


def load_models():
    encoder = joblib.load(fetch("sku_encoder.joblib"))  # expect: SEC004
    ranker = torch.load(fetch("ranker.pt"), map_location="cpu")  # expect: SEC004
    ranker.eval()
    logger.info("loaded ranker with %s known skus", len(encoder.classes_))
    return encoder, ranker


ENCODER, RANKER = load_models()  # todo-expect: MNT002


@app.post("/score")
def score(body: ScoreRequest):
    known = [s for s in body.candidate_skus if s in set(ENCODER.classes_)]
    if not known:
        raise HTTPException(status_code=422, detail="no known skus among candidates")
    sku_ids = torch.tensor(ENCODER.transform(known))
    customer = torch.tensor([body.customer_id] * len(known))
    with torch.no_grad():
        scores = RANKER(customer, sku_ids).tolist()
    ranked = sorted(zip(known, scores), key=lambda pair: pair[1], reverse=True)
    return {"customer_id": body.customer_id, "ranked": [{"sku": s, "score": round(v, 5)} for s, v in ranked]}
