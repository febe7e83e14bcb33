import hashlib
import logging
import os
import subprocess

import asyncpg
from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile, status
from fastapi.responses import FileResponse

from .config import get_settings
from .deps import Account, get_current_account, get_db, get_device_account

logger = logging.getLogger(__name__)
router = APIRouter()
settings = get_settings()


def _require_scope(account: Account, scope: str) -> None:
    if scope not in account.scopes:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"missing scope {scope}")


@router.post("/images", status_code=status.HTTP_201_CREATED)
async def upload_image(
    model: str = Form(..., pattern=r"^[A-Z0-9-]{2,16}$"),
    version: str = Form(..., pattern=r"^\d+\.\d+\.\d+$"),
    image: UploadFile = File(...),
    account: Account = Depends(get_current_account),
    db: asyncpg.Pool = Depends(get_db),
):
    _require_scope(account, "firmware:publish")
    data = await image.read()  # expect: SEC019
    digest = hashlib.sha256(data).hexdigest()  # ok: SEC009
    filename = f"{model}-{version}.bin"
    path = settings.firmware_dir / filename
    with open(path, "wb") as fh:  # expect: CON001
        fh.write(data)

    subprocess.run(  # expect: SEC002, CON001
        f"openssl dgst -sha256 -sign {settings.firmware_signing_key} "
        f"-out {path}.sig {path}",
        shell=True,
        check=True,
    )
    await db.execute(
        "INSERT INTO firmware_images (model, version, filename, sha256, size_bytes) "
        "VALUES ($1, $2, $3, $4, $5)",
        model,
        version,
        filename,
        digest,
        len(data),
    )
    logger.info("firmware %s %s published by account %s", model, version, account.id)
    return {"model": model, "version": version, "sha256": digest}


@router.get("/download/{filename:path}")
async def download_image(filename: str, device_id: str = Depends(get_device_account)):
    path = os.path.join(settings.firmware_dir, filename)  # expect: SEC015
    if not os.path.exists(path):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such image")
    logger.info("device %s downloading %s", device_id, filename)
    return FileResponse(path, media_type="application/octet-stream", filename=filename)


@router.post("/{device_id}/installed")
async def report_installed(
    device_id: str,
    version: str,
    _: str = Depends(get_device_account),
    db: asyncpg.Pool = Depends(get_db),
):
    async with db.acquire() as conn:
        rollout = await conn.fetchrow(
            "SELECT r.id, r.installed_count, r.target_count FROM rollouts r "
            "JOIN devices d ON d.model = r.model "
            "WHERE d.id = $1 AND r.version = $2 AND r.state = 'active'",
            device_id,
            version,
        )
        await conn.execute(
            "UPDATE devices SET firmware_version = $2, pending_version = NULL WHERE id = $1",
            device_id,
            version,
        )
        if rollout is None:
            return {"rollout": None}
        installed = rollout["installed_count"] + 1
        state = "complete" if installed >= rollout["target_count"] else "active"
        await conn.execute(  # expect: DB004
            "UPDATE rollouts SET installed_count = $2, state = $3 WHERE id = $1",
            rollout["id"],
            installed,
            state,
        )
    return {"rollout": rollout["id"], "installed": installed, "state": state}
