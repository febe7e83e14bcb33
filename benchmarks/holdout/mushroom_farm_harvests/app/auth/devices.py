"""Authentication of grow-room sensor devices by API key.

Keys are 256-bit random strings issued once; only their SHA-256 digest is
stored, so a leaked table cannot be replayed.
"""

import hashlib
import logging
import secrets

from fastapi import Depends, HTTPException, Security, status
from fastapi.security import APIKeyHeader
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import get_db
from ..models import Device

logger = logging.getLogger(__name__)

device_key_header = APIKeyHeader(name="X-Device-Key", auto_error=False)


def hash_device_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()  # ok: SEC009


def issue_device_key() -> tuple[str, str]:
    """Return (raw key to flash onto the device, digest to store)."""
    raw_key = "dev_" + secrets.token_urlsafe(32)
    return raw_key, hash_device_key(raw_key)


def current_device(
    raw_key: str | None = Security(device_key_header),
    db: Session = Depends(get_db),
) -> Device:
    """Resolve the calling device; runs in FastAPI's threadpool (plain def)."""
    if not raw_key:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing device key")
    device = db.scalar(
        select(Device).where(Device.api_key_hash == hash_device_key(raw_key), Device.active.is_(True))
    )
    if device is None:
        logger.warning("rejected device key with prefix %s", raw_key[:6])  # ok: SEC007
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown device key")
    return device


def rotate_device_key(db: Session, device_id: int) -> str:
    """Replace a device's key (used by the admin CLI); returns the new raw key."""
    device = db.get(Device, device_id)
    if device is None:
        raise LookupError(f"device {device_id} not found")
    raw_key, digest = issue_device_key()
    device.api_key_hash = digest
    db.commit()
    logger.info("device %s key rotated", device_id)
    return raw_key
