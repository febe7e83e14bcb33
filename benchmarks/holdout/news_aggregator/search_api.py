import logging

from fastapi import APIRouter, HTTPException, Query, Request

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/search", tags=["search"])

SORT_COLUMNS = {"newest": "a.published_at DESC", "relevance": "rank DESC"}


@router.get("")
async def search_articles(
    request: Request,
    q: str = Query(..., min_length=2, max_length=200),
    sort: str = Query("relevance"),
    page: int = Query(1, ge=1, le=50),
):
    order_by = SORT_COLUMNS.get(sort)
    if order_by is None:
        raise HTTPException(status_code=400, detail={"code": "bad_sort", "message": "unknown sort"})
    offset = (page - 1) * 20
    sql = f"""
        SELECT a.id, a.title, a.url, a.published_at,
               ts_rank(a.search_vector, plainto_tsquery('english', $1)) AS rank
        FROM articles a
        WHERE a.search_vector @@ plainto_tsquery('english', $1) AND NOT a.hidden
        ORDER BY {order_by}
        LIMIT 20 OFFSET $2
    """
    async with request.app.state.pool.acquire() as conn:
        rows = await conn.fetch(sql, q, offset)  # ok: SEC001
    return {"items": [dict(r) for r in rows], "page": page}


@router.get("/by-source")
async def articles_by_source(request: Request, domain: str = Query(..., max_length=120)):
    sql = (
        "SELECT a.id, a.title, a.url, a.published_at FROM articles a "
        f"WHERE a.url LIKE '%{domain}%' AND NOT a.hidden "  # expect: SEC001, DB006
        "ORDER BY a.published_at DESC"
    )
    async with request.app.state.pool.acquire() as conn:
        rows = await conn.fetch(sql)  # expect: DB002
    return [dict(r) for r in rows]  # todo-expect: MNT001


@router.get("/authors/{author_id}/articles")
async def articles_by_author(request: Request, author_id: int, before: str | None = None):
    async with request.app.state.pool.acquire() as conn:
        if before:
            rows = await conn.fetch(
                "SELECT id, title, url, published_at FROM articles "
                "WHERE author_id = $1 AND published_at < $2::timestamptz AND NOT hidden "
                "ORDER BY published_at DESC LIMIT 20",  # ok: DB002
                author_id, before,
            )
        else:
            rows = await conn.fetch(
                "SELECT id, title, url, published_at FROM articles "
                "WHERE author_id = $1 AND NOT hidden ORDER BY published_at DESC LIMIT 20",
                author_id,
            )
    logger.info("author articles listed", extra={"author_id": author_id, "count": len(rows)})
    return {"items": [dict(r) for r in rows]}
