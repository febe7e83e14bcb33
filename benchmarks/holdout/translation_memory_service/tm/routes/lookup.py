"""Fuzzy TM lookup for CAT tools: best matches for a batch of source sentences."""
import hashlib
import logging

import asyncpg
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from tm.auth import Principal, require_scope
from tm.db import get_conn
from tm.services.quota import QuotaExceeded, consume_words, count_words
from tm.settings import get_settings

router = APIRouter(prefix="/v1/lookup", tags=["lookup"])
log = logging.getLogger(__name__)

# segments_source_trgm is a GIN (source_text gin_trgm_ops) index, partitioned by agency
FUZZY_SQL = """
SELECT q.ord, s.id, s.source_text, s.target_text, s.score
FROM unnest($4::text[]) WITH ORDINALITY AS q(sentence, ord)
CROSS JOIN LATERAL (
    SELECT id, source_text, target_text, similarity(source_text, q.sentence) AS score
    FROM segments
    WHERE agency_id = $1 AND source_lang = $2 AND target_lang = $3
      AND source_text % q.sentence
    ORDER BY score DESC
    LIMIT $5
) AS s
ORDER BY q.ord, s.score DESC
"""
EXACT_SQL = """
SELECT source_hash, target_text FROM segments
WHERE agency_id = $1 AND source_lang = $2 AND target_lang = $3 AND source_hash = ANY($4::text[])
"""


class LookupRequest(BaseModel):
    source_lang: str = Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    target_lang: str = Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    sentences: list[str] = Field(min_length=1, max_length=50)
    min_score: float = Field(default=0.6, ge=0.3, le=1.0)
    max_hits: int = Field(default=3, ge=1, le=10)


def _source_hash(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()  # ok: SEC009


@router.post("")
async def lookup(
    body: LookupRequest,
    principal: Principal = Depends(require_scope("tm:read")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    words = await count_words(body.sentences, body.source_lang)
    try:
        await consume_words(conn, principal.agency_id, words, get_settings().default_word_quota)
    except QuotaExceeded:
        raise HTTPException(402, "monthly word quota exhausted")

    hashes = [_source_hash(s) for s in body.sentences]
    exact_rows = await conn.fetch(EXACT_SQL, principal.agency_id, body.source_lang, body.target_lang, hashes)
    exact = {r["source_hash"]: r["target_text"] for r in exact_rows}

    async with conn.transaction():
        await conn.execute("SELECT set_config('pg_trgm.similarity_threshold', $1, true)", str(body.min_score))
        args = (principal.agency_id, body.source_lang, body.target_lang, body.sentences, body.max_hits)
        rows = await conn.fetch(FUZZY_SQL, *args)  # ok: DB001, DB006

    results = [{"sentence": s, "exact": exact.get(h), "fuzzy": []} for s, h in zip(body.sentences, hashes)]
    for row in rows:
        results[row["ord"] - 1]["fuzzy"].append(
            {"segment_id": row["id"], "source": row["source_text"], "target": row["target_text"],
             "score": round(row["score"], 3)}
        )
    log.info("lookup agency=%s sentences=%d words=%d", principal.agency_id, len(body.sentences), words)
    return {"results": results, "words_billed": words}
