"""Public exhibitor directory for visitors (no login)."""
import logging
import time
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.db import get_db
from expo.models import Booth, Exhibitor, Show

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/shows/{show_slug}/directory", tags=["directory"])

CACHE_TTL_S = 120
_results: dict = {}
_stats = {"searches": 0, "cache_hits": 0, "started": time.time()}


def _search(db: Session, show_slug: str, q: str, hall: Optional[str]) -> list:
    show_id = db.scalar(select(Show.id).where(Show.slug == show_slug))
    if show_id is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "show not found")
    stmt = (
        select(Exhibitor.id, Exhibitor.company_name, Booth.hall, Booth.label)
        .outerjoin(Booth, Booth.exhibitor_id == Exhibitor.id)
        .where(Exhibitor.show_id == show_id)
    )
    if q:
        stmt = stmt.where(Exhibitor.company_name.ilike(f"%{q}%"))  # ok: DB006
    if hall:
        stmt = stmt.where(Booth.hall == hall)
    rows = db.execute(stmt.order_by(Exhibitor.company_name).limit(200)).all()
    return [
        {"exhibitor_id": r.id, "company": r.company_name, "hall": r.hall, "booth": r.label}
        for r in rows
    ]


@router.get("")
def search_directory(
    show_slug: str,
    q: str = Query("", max_length=80),
    hall: Optional[str] = Query(None, max_length=16),
    db: Session = Depends(get_db),
):
    _stats["searches"] += 1  # expect: CON002
    key = (show_slug, q.strip().lower(), hall)
    cached = _results.get(key)
    if cached and cached[0] > time.monotonic():
        _stats["cache_hits"] += 1  # expect: CON002
        return cached[1]

    results = _search(db, show_slug, key[1], hall)
    _results[key] = (time.monotonic() + CACHE_TTL_S, results)  # expect: RES002, CON002
    return results


@router.get("/stats", include_in_schema=False)
def directory_stats():
    uptime = time.time() - _stats["started"]
    searches = _stats["searches"]
    return {
        "searches": searches,
        "cache_hits": _stats["cache_hits"],
        "hit_ratio": round(_stats["cache_hits"] / searches, 3) if searches else None,
        "cached_queries": len(_results),
        "uptime_s": int(uptime),
    }


@router.get("/{exhibitor_id}")
def exhibitor_card(show_slug: str, exhibitor_id: int, db: Session = Depends(get_db)):
    row = db.execute(
        select(Exhibitor.company_name, Exhibitor.logo_key, Booth.hall, Booth.label)
        .join(Show, Show.id == Exhibitor.show_id)
        .outerjoin(Booth, Booth.exhibitor_id == Exhibitor.id)
        .where(Show.slug == show_slug, Exhibitor.id == exhibitor_id)
    ).first()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "exhibitor not found")
    return {"company": row.company_name, "logo_key": row.logo_key, "hall": row.hall, "booth": row.label}
