"""Scoring API that serves churn predictions and collects outcome feedback."""

import json
import logging
import os
import queue
import subprocess
import threading
import time

import requests
import torch
from fastapi import FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel

from .model_loader import load_model, predict_batch

app = FastAPI(title="churn-scoring")
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])  # expect: SEC013
logger = logging.getLogger(__name__)

FEATURE_STORE_URL = os.environ.get("FEATURE_STORE_URL", "http://features.internal:8080")
FEEDBACK_LOG = "/var/log/scoring/feedback.jsonl"

_requests_served = 0
_feedback: queue.Queue = queue.Queue()  # todo-expect: REL005


class ScoreRequest(BaseModel):
    customer_id: str
    model: str = "churn"
    version: str = "2024-06"


def _drain_feedback() -> None:
    while True:  # ok: REL002
        item = _feedback.get()
        try:
            requests.post(f"{FEATURE_STORE_URL}/feedback", json=item, timeout=5)
        except requests.RequestException:
            logger.exception("feedback upload failed for customer %s", item["customer_id"])


threading.Thread(target=_drain_feedback, name="feedback-drain", daemon=True).start()  # expect: SCL003


@app.post("/score")
async def score(req: ScoreRequest):
    features = requests.post(f"{FEATURE_STORE_URL}/online", json={"customer_id": req.customer_id}, timeout=2).json()  # expect: CON001
    if "vector" not in features:
        raise HTTPException(status_code=404, detail="unknown customer")
    model, scaler = load_model(req.model, req.version)  # todo-expect: CON001
    try:
        score_value = predict_batch(model, scaler, [features["vector"]])[0]
    except Exception as e:  # expect: ERR002
        logger.error(f"prediction failed for {req.customer_id}: {e}")  # expect: OBS002
        return {"customer_id": req.customer_id, "score": 0.0, "status": "ok"}
    print(f"scored {req.customer_id}: {score_value:.3f}")  # expect: OBS001
    return {"customer_id": req.customer_id, "score": score_value, "status": "ok"}


@app.post("/score/{customer_id}/explain")
async def explain(customer_id: str):
    result = subprocess.run(["shap-explain", "--customer", customer_id, "--format", "json"], capture_output=True, timeout=60)  # expect: CON001
    if result.returncode != 0:
        return {"error": result.stderr.decode(errors="replace")[:200]}  # todo-expect: MNT001
    return json.loads(result.stdout)


@app.post("/feedback")
def feedback(customer_id: str, churned: bool):
    global _requests_served  # todo-expect: MNT002
    _requests_served += 1  # expect: CON002
    record = {"customer_id": customer_id, "churned": churned, "at": time.time()}
    _feedback.put(record)
    with open(FEEDBACK_LOG, "a") as fh:  # expect: SCL002
        fh.write(json.dumps(record) + "\n")
    return {"accepted": True}


@app.get("/stats")
def stats():
    return {"requests_served": _requests_served, "feedback_backlog": _feedback.qsize(), "torch_threads": torch.get_num_threads()}
