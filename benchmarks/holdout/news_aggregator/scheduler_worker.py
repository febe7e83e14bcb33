import asyncio
import logging
import signal

import asyncpg
import redis.asyncio as aioredis
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from article_store import fingerprint
from feed_fetcher import build_client, fetch_and_parse
from feed_poller import normalise_entry
from settings import load_settings

logger = logging.getLogger("news.scheduler")
settings = load_settings()

INSERT_ARTICLE = """
    INSERT INTO articles (feed_id, fingerprint, guid, url, title, summary, author_id,
                          published_at, search_vector)
    VALUES ($1, $2, $3, $4, $5, $6,
            (SELECT id FROM authors WHERE name = $7), $8,
            to_tsvector('english', $5 || ' ' || $6))
    ON CONFLICT (fingerprint) DO NOTHING
"""


async def store_batch(conn, feed_id: int, entries: list[dict]) -> None:
    authors = sorted({e["author"] for e in entries if e.get("author")})
    async with conn.transaction():
        if authors:
            await conn.execute(
                "INSERT INTO authors (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING",
                authors,
            )
        await conn.executemany(  # ok: DB001, DB005
            INSERT_ARTICLE,
            [(feed_id, fingerprint(e), e["guid"], e["url"], e["title"], e["summary"],
              e.get("author"), e["published_at"]) for e in entries],
        )


async def poll_once(pool, redis) -> None:
    lock = redis.lock("news:poll-lock", timeout=600, blocking=False)
    if not await lock.acquire():  # ok: SCL003
        logger.info("another scheduler holds the poll lock")
        return
    try:
        async with pool.acquire() as conn:
            feeds = await conn.fetch(
                "SELECT id, url, etag FROM feeds WHERE active ORDER BY last_polled_at NULLS FIRST LIMIT 200"
            )
        async with build_client() as client:
            for feed in feeds:
                result = await fetch_and_parse(client, dict(feed))
                if result is None or result["status"] == 304:
                    continue
                entries = [normalise_entry(e) for e in result["entries"] if e.get("link")]
                async with pool.acquire() as conn:
                    await store_batch(conn, feed["id"], entries)
                    await conn.execute(
                        "UPDATE feeds SET etag = $1, last_polled_at = now() WHERE id = $2",
                        result["etag"], feed["id"],
                    )
                await redis.publish("articles:new", str(feed["id"]))
    finally:
        await lock.release()


async def main() -> None:
    logging.basicConfig(level=logging.INFO)
    pool = await asyncpg.create_pool(settings.database_dsn, min_size=1, max_size=4, command_timeout=30)
    redis = aioredis.from_url(settings.redis_url, socket_timeout=5)
    scheduler = AsyncIOScheduler()
    scheduler.add_job(poll_once, "interval", minutes=settings.poll_interval_minutes,
                      args=[pool, redis], max_instances=1, coalesce=True)
    scheduler.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    scheduler.shutdown(wait=True)
    await pool.close()
    await redis.aclose()


if __name__ == "__main__":
    asyncio.run(main())
