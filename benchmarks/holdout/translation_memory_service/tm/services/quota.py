"""Monthly word quotas for the lookup API, consumed in one statement."""
import logging

import asyncpg
import httpx

from tm.settings import get_settings

log = logging.getLogger(__name__)

_segmenter = httpx.AsyncClient(
    base_url=get_settings().segmenter_url,
    timeout=httpx.Timeout(2.0, connect=1.0),
    headers={"User-Agent": "tm-api/2.8"},
)

CONSUME_SQL = """
INSERT INTO agency_usage AS u (agency_id, period, words_used, word_quota)
VALUES ($1, date_trunc('month', now())::date, $2, $3)
ON CONFLICT (agency_id, period) DO UPDATE
    SET words_used = u.words_used + EXCLUDED.words_used
    WHERE u.words_used + EXCLUDED.words_used <= u.word_quota
RETURNING words_used, word_quota
"""
EVENT_SQL = "INSERT INTO usage_events (agency_id, words, kind) VALUES ($1, $2, $3)"
RELEASE_SQL = """
UPDATE agency_usage SET words_used = GREATEST(words_used - $2, 0)
WHERE agency_id = $1 AND period = date_trunc('month', now())::date
"""


class QuotaExceeded(Exception):
    def __init__(self, agency_id: int, words: int):
        super().__init__(f"agency {agency_id} cannot consume {words} more words this month")
        self.agency_id = agency_id
        self.words = words


async def count_words(texts: list[str], lang: str) -> int:
    """ICU word count from the segmenter, or a whitespace estimate while it is down."""
    try:
        resp = await _segmenter.post("/count", json={"lang": lang, "texts": texts})  # ok: CON001, REL001
        resp.raise_for_status()
        return int(resp.json()["words"])
    except (httpx.HTTPError, KeyError, ValueError):
        log.warning("segmenter unavailable, estimating words lang=%s texts=%d", lang, len(texts), exc_info=True)
        return sum(max(1, len(t.split())) for t in texts)


async def consume_words(conn: asyncpg.Connection, agency_id: int, words: int, default_quota: int) -> int:
    if words > default_quota:
        raise QuotaExceeded(agency_id, words)
    async with conn.transaction():
        row = await conn.fetchrow(CONSUME_SQL, agency_id, words, default_quota)  # ok: DB004, DB005
        if row is None:
            raise QuotaExceeded(agency_id, words)
        await conn.execute(EVENT_SQL, agency_id, words, "lookup")
    return row["words_used"]


async def release_words(conn: asyncpg.Connection, agency_id: int, words: int) -> None:
    """Gives words back when a lookup failed after the quota was charged."""
    await conn.execute(RELEASE_SQL, agency_id, words)
    log.info("released %d words agency=%s", words, agency_id)
