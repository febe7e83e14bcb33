import asyncio
import logging
from datetime import datetime, timezone

import feedparser
import httpx

from article_store import save_entries

logger = logging.getLogger(__name__)

USER_AGENT = "news-aggregator/2.3 (+https://news.example.com/bot)"


def parse_feed(url: str, etag: str | None = None, modified: str | None = None):
    return feedparser.parse(url, etag=etag, modified=modified, agent=USER_AGENT)


def normalise_entry(entry) -> dict:
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    return {
        "guid": entry.get("id") or entry.get("link"),
        "url": entry.get("link"),
        "title": (entry.get("title") or "").strip()[:500],
        "summary": (entry.get("summary") or "")[:5000],
        "author": entry.get("author"),
        "published_at": datetime(*published[:6], tzinfo=timezone.utc) if published else None,
    }


async def fetch_site_icon(client: httpx.AsyncClient, site_url: str) -> bytes | None:
    for attempt in range(3):  # ok: REL002
        try:
            resp = await client.get(f"{site_url.rstrip('/')}/favicon.ico")
            if resp.status_code == 404:
                return None
            resp.raise_for_status()
            return resp.content
        except httpx.TransportError:
            logger.debug("icon fetch attempt %d failed for %s", attempt, site_url)
            await asyncio.sleep(2 ** attempt)
    return None


async def poll_feed(pool, redis, feed: dict) -> int:
    parsed = parse_feed(feed["url"], feed.get("etag"), feed.get("last_modified"))  # expect: CON001
    if parsed.get("status") == 304:
        return 0
    entries = [normalise_entry(e) for e in parsed.entries if e.get("link")]
    stored = await save_entries(pool, feed["id"], entries)
    async with pool.acquire() as conn:
        await conn.execute(
            "UPDATE feeds SET etag = $1, last_modified = $2, last_polled_at = now() WHERE id = $3",
            parsed.get("etag"), parsed.get("modified"), feed["id"],
        )
    if stored:
        await redis.publish("articles:new", str(feed["id"]))
    return stored


async def poll_all_feeds(pool, redis) -> None:
    async with pool.acquire() as conn:
        feeds = await conn.fetch(
            "SELECT id, url, site_url, etag, last_modified, icon FROM feeds "
            "WHERE active AND (last_polled_at IS NULL OR last_polled_at < now() - interval '10 minutes') "
            "ORDER BY last_polled_at NULLS FIRST LIMIT 200"
        )
    total = 0
    async with httpx.AsyncClient(timeout=10, follow_redirects=True) as client:
        for feed in feeds:
            try:
                total += await poll_feed(pool, redis, dict(feed))
                if feed["icon"] is None and feed["site_url"]:
                    icon = await fetch_site_icon(client, feed["site_url"])
                    async with pool.acquire() as conn:
                        await conn.execute("UPDATE feeds SET icon = $1 WHERE id = $2", icon, feed["id"])
            except Exception:  # expect: ERR001
                continue
    logger.info("feed poll finished", extra={"feeds": len(feeds), "stored": total})
