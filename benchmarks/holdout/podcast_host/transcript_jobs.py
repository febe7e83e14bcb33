"""Queues and runs speech-to-text transcription for newly published episodes."""
import asyncio
import json
import logging
import subprocess
import time

from fastapi import APIRouter

from .repository import StorageUnavailable, download_audio, store_transcript

log = logging.getLogger(__name__)
router = APIRouter(prefix="/episodes", tags=["transcripts"])

transcript_queue: asyncio.Queue[int] = asyncio.Queue()  # todo-expect: REL005


@router.post("/{episode_id}/transcript", status_code=202)
async def request_transcript(episode_id: int):
    await transcript_queue.put(episode_id)
    return {"status": "queued", "position": transcript_queue.qsize()}


async def _transcribe(episode_id: int) -> None:
    audio_path = await download_audio(episode_id)
    result = subprocess.run(  # expect: CON001
        ["whisper-cli", "--model", "base.en", "--output-format", "json", audio_path],
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    transcript = json.loads(result.stdout)
    for attempt in range(3):
        try:
            await store_transcript(episode_id, transcript)
            return
        except StorageUnavailable:
            log.warning("transcript store unavailable for episode %s, attempt %d", episode_id, attempt + 1)
            time.sleep(2**attempt)  # expect: CON001
    raise StorageUnavailable(f"could not store transcript for episode {episode_id}")


async def transcript_worker() -> None:
    while True:  # ok: REL002
        episode_id = await transcript_queue.get()
        try:
            await _transcribe(episode_id)
        except Exception:  # ok: ERR001
            log.exception("transcription failed for episode %s", episode_id)
        finally:
            transcript_queue.task_done()


@router.on_event("startup")
async def start_transcript_workers() -> None:
    for _ in range(2):
        asyncio.create_task(transcript_worker())
