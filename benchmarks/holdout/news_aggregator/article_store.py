import hashlib
import logging

logger = logging.getLogger(__name__)

def fingerprint(entry: dict) -> str:
    basis = f"{entry['url']}|{entry['title'].lower()}"
    return hashlib.md5(basis.encode("utf-8")).hexdigest()  # ok: SEC009


async def author_id_for(conn, name: str | None) -> int | None:
    if not name:
        return None
    row = await conn.fetchrow("SELECT id FROM authors WHERE name = $1", name)
    if row:
        return row["id"]
    return await conn.fetchval("INSERT INTO authors (name) VALUES ($1) RETURNING id", name)


async def save_entries(pool, feed_id: int, entries: list[dict]) -> int:
    stored = 0
    async with pool.acquire() as conn:
        for entry in entries:
            fp = fingerprint(entry)
            exists = await conn.fetchval("SELECT 1 FROM articles WHERE fingerprint = $1", fp)
            if exists:  # expect: DB005
                continue
            author_id = await author_id_for(conn, entry.get("author"))  # expect: DB001
            await conn.execute(
                """
                INSERT INTO articles (feed_id, fingerprint, guid, url, title, summary, author_id,
                                      published_at, search_vector)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
                        to_tsvector('english', $5 || ' ' || $6))
                """,
                feed_id, fp, entry["guid"], entry["url"], entry["title"], entry["summary"],
                author_id, entry["published_at"],
            )
            stored += 1
    if stored:
        logger.info("articles stored", extra={"feed_id": feed_id, "count": stored})
    return stored


async def mark_hidden(conn, article_id: int, moderator_id: int, reason: str) -> bool:
    result = await conn.execute(
        "UPDATE articles SET hidden = true, hidden_reason = $1, hidden_by = $2 "
        "WHERE id = $3 AND NOT hidden",
        reason, moderator_id, article_id,
    )
    return result.endswith(" 1")
