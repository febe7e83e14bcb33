import json
import logging
import threading
from urllib import request as urlreq

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from ingest.device_auth import Device, authenticate_device
from ingest.settings import settings

router = APIRouter(prefix="/v1/devices", tags=["alerts"])
logger = logging.getLogger(__name__)

THRESHOLDS = {
    "temperature_c": 85.0,
    "humidity_pct": 95.0,
    "vibration_g": 4.0,
    "battery_v_drop": 0.6,
}


class Reading(BaseModel):
    metric: str = Field(max_length=64)
    value: float


class ReadingBatch(BaseModel):
    readings: list[Reading] = Field(max_length=500)


def _page_on_call(device_id: str, metric: str, value: float, limit: float) -> None:
    payload = json.dumps(
        {
            "routing_key": settings.pager_routing_key,
            "event_action": "trigger",
            "payload": {
                "summary": f"{device_id}: {metric}={value} over {limit}",
                "source": device_id,
                "severity": "critical",
            },
        }
    ).encode()
    req = urlreq.Request(settings.pager_events_url, data=payload, headers={"Content-Type": "application/json"})
    with urlreq.urlopen(req) as resp:  # expect: REL001
        if resp.status >= 300:
            logger.error("pager rejected alert device_id=%s metric=%s status=%s", device_id, metric, resp.status)


@router.post("/{device_id}/alerts/evaluate")
def evaluate_thresholds(device_id: str, batch: ReadingBatch, device: Device = Depends(authenticate_device)):
    if device.id != device_id:
        raise HTTPException(status_code=403, detail="devices may only report for themselves")
    triggered = 0
    for reading in batch.readings:
        limit = THRESHOLDS.get(reading.metric)
        if limit is not None and reading.value > limit:
            threading.Thread(target=_page_on_call, args=(device_id, reading.metric, reading.value, limit)).start()  # expect: CON003
            triggered += 1
    return {"evaluated": len(batch.readings), "triggered": triggered}
