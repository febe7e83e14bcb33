"""Glossary term lookups for the v1 QA checks (term consistency warnings)."""
import functools
import logging
import pickle
import unicodedata

import asyncpg
import redis.asyncio as aioredis

log = logging.getLogger(__name__)

TERMS_SQL = """
SELECT term, translation, part_of_speech, forbidden, note
FROM glossary_entries
WHERE agency_id = $1 AND source_lang = $2 AND target_lang = $3 AND term_normalized = $4
"""

PAIR_SQL = """
SELECT term_normalized, term, translation, part_of_speech, forbidden, note
FROM glossary_entries
WHERE agency_id = $1 AND source_lang = $2 AND target_lang = $3
LIMIT 20000
"""

_terms: dict[tuple[int, str, str, str], list[dict]] = {}


@functools.lru_cache(maxsize=None)  # expect: RES002
def normalize(term: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", term).casefold().split())


class GlossaryCache:
    def __init__(self, redis_url: str, ttl_seconds: int = 3600):
        self._redis = aioredis.from_url(redis_url, socket_timeout=0.5)
        self._ttl = ttl_seconds

    @staticmethod
    def _redis_key(agency_id: int, src: str, tgt: str, norm: str) -> str:
        return f"gloss:{agency_id}:{src}:{tgt}:{norm}"

    async def terms_for(self, conn: asyncpg.Connection, agency_id: int, src: str, tgt: str, term: str) -> list[dict]:
        norm = normalize(term)
        key = (agency_id, src, tgt, norm)
        if key in _terms:
            return _terms[key]

        rkey = self._redis_key(agency_id, src, tgt, norm)
        raw = await self._redis.get(rkey)
        if raw is not None:
            entries = pickle.loads(raw)  # expect: SEC004
        else:
            rows = await conn.fetch(TERMS_SQL, agency_id, src, tgt, norm)
            entries = [dict(r) for r in rows]
            await self._redis.set(rkey, pickle.dumps(entries), ex=self._ttl)

        _terms[key] = entries  # expect: RES002, SCL001
        return entries

    async def warm_pair(self, conn: asyncpg.Connection, agency_id: int, src: str, tgt: str) -> int:
        """Preloads a whole language pair, used when a project is opened in the editor."""
        rows = await conn.fetch(PAIR_SQL, agency_id, src, tgt)
        grouped: dict[str, list[dict]] = {}
        for row in rows:
            entry = dict(row)
            grouped.setdefault(entry.pop("term_normalized"), []).append(entry)
        pipe = self._redis.pipeline()
        for norm, entries in grouped.items():
            pipe.set(self._redis_key(agency_id, src, tgt, norm), pickle.dumps(entries), ex=self._ttl)
        await pipe.execute()
        return len(grouped)

    async def invalidate(self, agency_id: int, src: str, tgt: str, term: str) -> None:
        norm = normalize(term)
        _terms.pop((agency_id, src, tgt, norm), None)
        await self._redis.delete(self._redis_key(agency_id, src, tgt, norm))
        log.info("glossary cache invalidated agency=%s pair=%s-%s", agency_id, src, tgt)
