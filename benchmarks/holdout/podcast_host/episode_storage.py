"""Stores uploaded episode audio in S3 under a generated key and records the episode."""
import logging
import os
import uuid

import boto3
from botocore.config import Config
from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile
from sqlalchemy.orm import Session

from .auth import current_creator
from .database import get_db
from .models import Episode, Show

log = logging.getLogger(__name__)
router = APIRouter(prefix="/shows", tags=["episodes"])

AUDIO_BUCKET = os.environ.get("AUDIO_BUCKET", "podcast-host-audio")
MAX_AUDIO_BYTES = 500 * 1024 * 1024
EXTENSIONS = {"audio/mpeg": "mp3", "audio/mp4": "m4a", "audio/x-m4a": "m4a", "audio/ogg": "ogg"}

s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=120, retries={"max_attempts": 3}))


@router.post("/{show_id}/episodes/audio", status_code=201)
def store_episode_audio(
    show_id: int,
    title: str = Form(..., max_length=200),
    audio: UploadFile = File(...),
    creator=Depends(current_creator),
    db: Session = Depends(get_db),
):
    show = db.get(Show, show_id)
    if show is None or show.owner_id != creator.id:
        raise HTTPException(status_code=404, detail="show not found")
    extension = EXTENSIONS.get(audio.content_type or "")
    if extension is None:
        raise HTTPException(status_code=415, detail="audio must be mp3, m4a or ogg")
    if audio.size is None or audio.size > MAX_AUDIO_BYTES:
        raise HTTPException(status_code=413, detail="audio must be at most 500 MB")

    key = f"shows/{show_id}/episodes/{uuid.uuid4().hex}.{extension}"  # ok: SEC015
    s3.upload_fileobj(audio.file, AUDIO_BUCKET, key, ExtraArgs={"ContentType": audio.content_type})  # ok: SCL002

    episode = Episode(show_id=show.id, title=title, audio_key=key, size_bytes=audio.size)
    db.add(episode)
    db.commit()
    log.info("creator %s stored episode %s at %s", creator.id, episode.id, key)
    return {"id": episode.id, "title": episode.title, "audio_key": key}
