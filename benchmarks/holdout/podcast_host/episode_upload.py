"""Episode audio upload endpoint for podcast creators."""
import logging
import os
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, File, Form, UploadFile

from .auth import current_creator
from .repository import episodes

log = logging.getLogger(__name__)
router = APIRouter(prefix="/shows", tags=["episodes"])

MEDIA_ROOT = os.environ.get("MEDIA_ROOT", "/srv/podcast/media")


@router.post("/{show_id}/episodes", status_code=201)
async def upload_episode(
    show_id: int,
    title: str = Form(...),
    description: str = Form(""),
    audio: UploadFile = File(...),
    creator=Depends(current_creator),
):
    show_dir = os.path.join(MEDIA_ROOT, str(show_id))
    os.makedirs(show_dir, exist_ok=True)
    destination = os.path.join(show_dir, audio.filename)  # expect: SEC015

    data = await audio.read()  # todo-expect: SEC019, RES003
    with open(destination, "wb") as out:  # expect: SCL002, CON001
        out.write(data)

    episode = await episodes.create(
        show_id=show_id,
        title=title,
        description=description,
        audio_path=destination,
        size_bytes=len(data),
        published_at=datetime.now(timezone.utc),
        created_by=creator.id,
    )
    log.info("creator %s uploaded episode %s (%d bytes)", creator.id, episode.id, len(data))
    return {"id": episode.id, "title": episode.title, "audio_url": f"/media/{show_id}/{audio.filename}"}


@router.get("/{show_id}/episodes/{episode_id}")
async def get_episode(show_id: int, episode_id: int):
    episode = await episodes.get(show_id=show_id, episode_id=episode_id)
    return {
        "id": episode.id,
        "title": episode.title,
        "description": episode.description,
        "published_at": episode.published_at.isoformat(),
    }
