import asyncio
import json
import logging
from datetime import datetime, timezone

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from ingest.device_auth import Device, authenticate_device
from ingest.settings import settings

router = APIRouter(prefix="/v1/devices", tags=["alerts"])
logger = logging.getLogger(__name__)

_sqs = boto3.client(
    "sqs",
    config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"}),  # ok: REL001
)


class AlertIn(BaseModel):
    alert_id: str = Field(min_length=8, max_length=64)
    metric: str = Field(max_length=64)
    value: float
    message: str = Field(default="", max_length=500)


@router.post("/{device_id}/alerts", status_code=202)
async def raise_alert(device_id: str, alert: AlertIn, device: Device = Depends(authenticate_device)):
    if device.id != device_id:
        raise HTTPException(status_code=403, detail="devices may only raise their own alerts")
    body = json.dumps(
        {
            "device_id": device_id,
            "tenant_id": device.tenant_id,
            "alert_id": alert.alert_id,
            "metric": alert.metric,
            "value": alert.value,
            "message": alert.message,
            "received_at": datetime.now(timezone.utc).isoformat(),
        }
    )
    try:
        await asyncio.to_thread(  # ok: CON001
            _sqs.send_message,
            QueueUrl=settings.alert_queue_url,
            MessageBody=body,
            MessageGroupId=device_id,
            MessageDeduplicationId=alert.alert_id,  # ok: REL003
        )
    except (BotoCoreError, ClientError):
        logger.exception("could not enqueue alert device_id=%s alert_id=%s", device_id, alert.alert_id)
        raise HTTPException(status_code=503, detail="alert queue unavailable, retry with the same alert_id")
    logger.info("alert queued device_id=%s alert_id=%s metric=%s", device_id, alert.alert_id, alert.metric)
    return {"alert_id": alert.alert_id, "status": "queued"}
