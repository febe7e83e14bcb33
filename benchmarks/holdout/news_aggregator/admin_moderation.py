import logging

import jwt
from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import BaseModel, Field

from article_store import mark_hidden

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", tags=["admin"])


class HideIn(BaseModel):
    reason: str = Field(..., min_length=3, max_length=500)


def moderator_from_header(authorization: str) -> dict:
    token = authorization.removeprefix("Bearer ").strip()
    return jwt.decode(token, options={"verify_signature": False})  # expect: SEC008


@router.post("/articles/{article_id}/hide")
async def hide_article(article_id: int, body: HideIn, request: Request,
                       authorization: str = Header(...)):
    claims = moderator_from_header(authorization)
    assert "moderator" in claims.get("roles", []), "moderator role required"  # expect: SEC017
    async with request.app.state.pool.acquire() as conn:
        changed = await mark_hidden(conn, article_id, int(claims["sub"]), body.reason)
    logger.info("article hidden", extra={"article_id": article_id, "moderator": claims["sub"]})
    return {"hidden": changed}


@router.delete("/feeds/{feed_id}")
async def delete_feed(feed_id: int, request: Request):  # expect: SEC018
    async with request.app.state.pool.acquire() as conn:
        async with conn.transaction():
            await conn.execute("DELETE FROM subscriptions WHERE feed_id = $1", feed_id)
            await conn.execute("DELETE FROM articles WHERE feed_id = $1", feed_id)
            await conn.execute("DELETE FROM feeds WHERE id = $1", feed_id)
    return {"deleted": feed_id}


@router.get("/reports")
async def list_reports(request: Request, authorization: str = Header(...)):
    claims = moderator_from_header(authorization)
    if "moderator" not in claims.get("roles", []):
        raise HTTPException(status_code=403, detail={"code": "forbidden", "message": "moderators only"})
    async with request.app.state.pool.acquire() as conn:
        reports = await conn.fetch(
            "SELECT r.id, r.article_id, r.reason, r.created_at, a.title, a.url "
            "FROM article_reports r LEFT JOIN articles a ON a.id = r.article_id "  # ok: DB001
            "WHERE r.resolved_at IS NULL ORDER BY r.created_at LIMIT 100"
        )
    return {"items": [dict(r) for r in reports]}


@router.post("/reports/{report_id}/resolve")
async def resolve_report(report_id: int, request: Request, authorization: str = Header(...)):
    claims = moderator_from_header(authorization)
    if "moderator" not in claims.get("roles", []):
        raise HTTPException(status_code=403, detail={"code": "forbidden", "message": "moderators only"})
    async with request.app.state.pool.acquire() as conn:
        result = await conn.execute(
            "UPDATE article_reports SET resolved_at = now(), resolved_by = $1 "
            "WHERE id = $2 AND resolved_at IS NULL",
            int(claims["sub"]), report_id,
        )
    if result == "UPDATE 0":
        raise HTTPException(status_code=404, detail={"code": "not_found", "message": "no open report"})
    logger.info("report resolved", extra={"report_id": report_id, "moderator": claims["sub"]})
    return {"resolved": report_id}
