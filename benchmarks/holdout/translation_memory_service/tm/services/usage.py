"""Word metering for the v1 machine-assisted pre-translation endpoint."""
import logging
from dataclasses import dataclass

import asyncpg
import requests

from tm.settings import get_settings

log = logging.getLogger(__name__)

_segmenter = requests.Session()
_segmenter.headers.update({"User-Agent": "tm-api/2.8"})

USAGE_SQL = """
SELECT words_used, word_quota
FROM agency_usage
WHERE agency_id = $1 AND period = date_trunc('month', now())::date
"""
SAVE_USAGE_SQL = """
INSERT INTO agency_usage (agency_id, period, words_used, word_quota)
VALUES ($1, date_trunc('month', now())::date, $2, $3)
ON CONFLICT (agency_id, period) DO UPDATE SET words_used = EXCLUDED.words_used
"""
EVENT_SQL = "INSERT INTO usage_events (agency_id, words, kind) VALUES ($1, $2, $3)"


@dataclass
class QuotaExceeded(Exception):
    agency_id: int
    used: int
    quota: int

    def __str__(self) -> str:
        return f"agency {self.agency_id} used {self.used} of {self.quota} words"


def _count_words(texts: list[str], lang: str) -> int:
    """Word count as the ICU segmenter sees it (CJK text has no spaces to split on)."""
    url = f"{get_settings().segmenter_url}/count"
    resp = _segmenter.post(url, json={"lang": lang, "texts": texts})  # expect: REL001
    resp.raise_for_status()
    return int(resp.json()["words"])


async def meter_pretranslation(conn: asyncpg.Connection, agency_id: int, texts: list[str], lang: str) -> int:
    """Charges the words in `texts` against the agency's monthly quota and returns the new total."""
    words = _count_words(texts, lang)  # expect: CON001
    row = await conn.fetchrow(USAGE_SQL, agency_id)
    used = row["words_used"] if row else 0
    quota = row["word_quota"] if row else get_settings().default_word_quota
    if used + words > quota:
        raise QuotaExceeded(agency_id, used, quota)

    async with conn.transaction():
        await conn.execute(SAVE_USAGE_SQL, agency_id, used + words, quota)  # expect: DB004, DB005
        await conn.execute(EVENT_SQL, agency_id, words, "pretranslate")
    log.info("metered agency=%s words=%d total=%d/%d", agency_id, words, used + words, quota)
    return used + words


async def usage_summary(conn: asyncpg.Connection, agency_id: int, months: int = 12) -> list[dict]:
    rows = await conn.fetch(
        "SELECT period, words_used, word_quota FROM agency_usage WHERE agency_id = $1 ORDER BY period DESC LIMIT $2",
        agency_id, min(max(months, 1), 36),
    )
    return [
        {"period": r["period"].isoformat(), "words_used": r["words_used"], "word_quota": r["word_quota"]}
        for r in rows
    ]
