"""Purges CDN caches after an episode, its artwork or the show feed changes."""
import logging
import os

import requests
from fastapi import APIRouter, Depends

from .auth import current_creator

log = logging.getLogger(__name__)
router = APIRouter(prefix="/shows", tags=["cdn"])

CDN_API = os.environ.get("CDN_API_URL", "https://api.cdn-provider.example.com/v1")
CDN_ZONE = os.environ.get("CDN_ZONE_ID", "")
CDN_TOKEN = os.environ.get("CDN_API_TOKEN", "")  # ok: SEC005
CA_BUNDLE = os.environ.get("CDN_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
PUBLIC_BASE = os.environ.get("PUBLIC_BASE_URL", "https://cdn.podcasts.example.com")


def _headers() -> dict:
    return {"Authorization": f"Bearer {CDN_TOKEN}", "Content-Type": "application/json"}


def purge_paths(paths: list[str]) -> bool:
    resp = requests.post(  # expect: SEC011, REL001
        f"{CDN_API}/zones/{CDN_ZONE}/purge_cache",
        json={"files": [f"{PUBLIC_BASE}{p}" for p in paths]},
        headers=_headers(),
        verify=False,
    )
    if resp.status_code != 200:
        log.error("CDN purge of %d paths failed: %s %s", len(paths), resp.status_code, resp.text[:200])
        return False
    return True


def purge_status(purge_id: str) -> str:
    resp = requests.get(  # ok: SEC011, REL001
        f"{CDN_API}/zones/{CDN_ZONE}/purges/{purge_id}",
        headers=_headers(),
        verify=CA_BUNDLE,
        timeout=5,
    )
    resp.raise_for_status()
    return resp.json()["status"]


def purge_episode(show_slug: str, episode_id: int) -> bool:
    paths = [
        f"/feeds/{show_slug}.xml",
        f"/shows/{show_slug}",
        f"/episodes/{episode_id}/artwork.jpg",
        f"/episodes/{episode_id}/audio.mp3",
    ]
    ok = purge_paths(paths)
    log.info("purge for %s episode %s: %s", show_slug, episode_id, "done" if ok else "failed")
    return ok


@router.post("/{show_slug}/episodes/{episode_id}/purge", status_code=202)
async def purge_episode_cache(show_slug: str, episode_id: int, creator=Depends(current_creator)):
    purged = purge_episode(show_slug, episode_id)  # expect: CON001
    return {"purged": purged}
