"""Fetches supplier stock feeds concurrently and stages them for the catalogue import."""
import asyncio
import logging
import os
from datetime import datetime, timezone

import aiohttp
import requests
import yaml

logger = logging.getLogger(__name__)

STAGING_DIR = os.environ.get("FEED_STAGING_DIR", "/var/lib/ingest/feeds")
FEEDS_CONFIG = os.environ.get("FEEDS_CONFIG", "/etc/ingest/feeds.yaml")


def load_feed_config(path: str = FEEDS_CONFIG) -> list[dict]:
    with open(path) as fh:
        return yaml.load(fh, Loader=yaml.Loader)["feeds"]  # expect: SEC004


async def fetch_feed(session: aiohttp.ClientSession, feed: dict) -> tuple[str, bytes]:
    if feed.get("legacy_http"):
        resp = requests.get(feed["url"], auth=(feed["user"], os.environ.get(feed["password_env"], "")))  # expect: CON001, REL001
        resp.raise_for_status()
        return feed["name"], resp.content
    async with session.get(feed["url"], headers=feed.get("headers", {})) as resp:
        resp.raise_for_status()
        return feed["name"], await resp.read()


async def stage(name: str, body: bytes) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    path = os.path.join(STAGING_DIR, f"{name}-{stamp}.xml")
    with open(path, "wb") as fh:  # expect: CON001
        fh.write(body)
    return path


async def fetch_all() -> list[str]:
    feeds = load_feed_config()
    timeout = aiohttp.ClientTimeout(total=120, connect=10)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        results = await asyncio.gather(*(fetch_feed(session, f) for f in feeds), return_exceptions=True)
    staged = []
    for feed, result in zip(feeds, results):
        if isinstance(result, BaseException):
            logger.error("feed %s failed", feed["name"], exc_info=result)
            continue
        staged.append(await stage(*result))
    logger.info("staged %s of %s feeds", len(staged), len(feeds))
    return staged


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(fetch_all())
