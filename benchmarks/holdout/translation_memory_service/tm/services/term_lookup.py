"""Glossary lookups for the v2 editor API, cached briefly in process and in Redis."""
import json
import logging
import unicodedata
from functools import lru_cache

import asyncpg
import redis.asyncio as aioredis
from cachetools import TTLCache

log = logging.getLogger(__name__)

TERMS_SQL = """
SELECT term_normalized, term, translation, forbidden, note
FROM glossary_entries
WHERE agency_id = $1 AND source_lang = $2 AND target_lang = $3 AND term_normalized = ANY($4::text[])
"""
LOCAL_TTL_SECONDS = 30


@lru_cache(maxsize=50_000)  # ok: RES002
def normalize(term: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", term).casefold().split())


class TermLookup:
    def __init__(self, redis: aioredis.Redis, redis_ttl: int = 600):
        self._redis = redis
        self._redis_ttl = redis_ttl
        # short-lived per-process copy; edits reach every replica within LOCAL_TTL_SECONDS
        self._local: TTLCache = TTLCache(maxsize=20_000, ttl=LOCAL_TTL_SECONDS)  # ok: RES002, SCL001

    @staticmethod
    def _key(agency_id: int, src: str, tgt: str, norm: str) -> str:
        return f"terms:v2:{agency_id}:{src}:{tgt}:{norm}"

    async def lookup(self, conn: asyncpg.Connection, agency_id: int, src: str, tgt: str,
                     terms: list[str]) -> dict[str, list[dict]]:
        wanted = list(dict.fromkeys(normalize(t) for t in terms))[:200]
        found: dict[str, list[dict]] = {}
        missing = []
        for norm in wanted:
            hit = self._local.get((agency_id, src, tgt, norm))
            if hit is None:
                missing.append(norm)
            else:
                found[norm] = hit

        if missing:
            cached = await self._redis.mget([self._key(agency_id, src, tgt, n) for n in missing])
            still_missing = []
            for norm, raw in zip(missing, cached):
                if raw is None:
                    still_missing.append(norm)
                else:
                    found[norm] = json.loads(raw)  # ok: SEC004
            if still_missing:
                rows = await conn.fetch(TERMS_SQL, agency_id, src, tgt, still_missing)
                from_db: dict[str, list[dict]] = {n: [] for n in still_missing}
                for row in rows:
                    entry = dict(row)
                    from_db[entry.pop("term_normalized")].append(entry)
                pipe = self._redis.pipeline()
                for norm, entries in from_db.items():
                    pipe.set(self._key(agency_id, src, tgt, norm), json.dumps(entries), ex=self._redis_ttl)
                await pipe.execute()
                found.update(from_db)

        for norm in wanted:
            self._local[(agency_id, src, tgt, norm)] = found.get(norm, [])
        return found

    async def invalidate(self, agency_id: int, src: str, tgt: str, term: str) -> None:
        norm = normalize(term)
        self._local.pop((agency_id, src, tgt, norm), None)
        await self._redis.delete(self._key(agency_id, src, tgt, norm))
        log.info("terms invalidated agency=%s pair=%s-%s", agency_id, src, tgt)
