import asyncio
import logging
import random

import feedparser
import httpx

from settings import load_settings

logger = logging.getLogger(__name__)
settings = load_settings()

USER_AGENT = "news-aggregator/2.3 (+https://news.example.com/bot)"
RETRYABLE = (httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError)


class FeedTooLarge(Exception):
    pass


async def download_feed(client: httpx.AsyncClient, url: str, etag: str | None) -> tuple[int, bytes, str | None]:
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    async with client.stream("GET", url, headers=headers) as resp:
        if resp.status_code == 304:
            return 304, b"", etag
        resp.raise_for_status()
        chunks = []
        size = 0
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > settings.feed_max_bytes:  # ok: RES003
                raise FeedTooLarge(url)
            chunks.append(chunk)
        return resp.status_code, b"".join(chunks), resp.headers.get("ETag")


async def fetch_and_parse(client: httpx.AsyncClient, feed: dict, attempts: int = 3):
    for attempt in range(1, attempts + 1):  # ok: REL002
        try:
            status, body, etag = await download_feed(client, feed["url"], feed.get("etag"))
            break
        except RETRYABLE as exc:
            if attempt == attempts:
                logger.warning("feed unreachable", extra={"feed_id": feed["id"], "error": type(exc).__name__})
                return None
            await asyncio.sleep(min(2 ** attempt, 30) + random.random())
    if status == 304:
        return {"status": 304, "entries": [], "etag": etag}
    parsed = await asyncio.to_thread(feedparser.parse, body)  # ok: CON001
    if parsed.bozo and not parsed.entries:
        logger.warning("feed unparseable", extra={"feed_id": feed["id"],
                                                  "reason": str(parsed.get("bozo_exception"))})
        return None
    return {"status": status, "entries": parsed.entries, "etag": etag}


def build_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.feed_timeout_seconds, connect=5),  # ok: REL001
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        follow_redirects=True,
    )
