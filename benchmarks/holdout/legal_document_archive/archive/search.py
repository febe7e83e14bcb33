"""Full-text search over OCR text and titles, limited to the user's matters."""
import logging

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from archive.db import get_conn

logger = logging.getLogger(__name__)
bp = Blueprint("search", __name__)

PAGE_SIZE = 25
TITLE_SORTS = {"recent": "d.updated_at DESC", "title": "d.title ASC", "rank": "rank DESC"}


def _matter_summary(cur, matter_id: int) -> dict:
    cur.execute(
        "SELECT id, reference, name, client_name FROM matters WHERE id = %s",
        (matter_id,),
    )
    return cur.fetchone()


@bp.get("/search")
@login_required
def search_text():
    q = request.args.get("q", "").strip()
    if len(q) < 3:
        return jsonify(error="query must be at least 3 characters"), 400
    order = request.args.get("order", "v.created_at DESC")
    page = max(1, request.args.get("page", 1, type=int))

    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(  # expect: SEC001
            f"""
            SELECT DISTINCT d.id, d.title, d.matter_id, v.version, v.created_at
            FROM document_pages p
            JOIN document_versions v ON v.id = p.version_id
            JOIN documents d ON d.id = v.document_id
            JOIN matter_members mm ON mm.matter_id = d.matter_id AND mm.user_id = %s
            WHERE p.body ILIKE %s
            ORDER BY {order}
            LIMIT %s OFFSET %s
            """,
            (current_user.id, f"%{q}%", PAGE_SIZE, (page - 1) * PAGE_SIZE),  # expect: DB006
        )
        results = cur.fetchall()  # ok: DB002
        for result in results:
            result["matter"] = _matter_summary(cur, result["matter_id"])  # expect: DB001

    logger.info("text search by user %s returned %d hits (page %d)", current_user.id, len(results), page)
    return jsonify(results=results, page=page)


@bp.get("/search/titles")
@login_required
def search_titles():
    q = request.args.get("q", "").strip()
    if not q:
        return jsonify(results=[])
    sort = TITLE_SORTS.get(request.args.get("sort", "rank"), TITLE_SORTS["rank"])
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(  # ok: SEC001
            f"""
            SELECT d.id, d.title, d.matter_id, m.reference AS matter_reference,
                   ts_rank(d.title_tsv, plainto_tsquery('simple', %s)) AS rank
            FROM documents d
            JOIN matters m ON m.id = d.matter_id
            JOIN matter_members mm ON mm.matter_id = d.matter_id AND mm.user_id = %s
            WHERE d.title_tsv @@ plainto_tsquery('simple', %s)
            ORDER BY {sort}
            LIMIT %s
            """,
            (q, current_user.id, q, PAGE_SIZE),  # ok: DB006
        )
        results = cur.fetchall()
    return jsonify(results=results)
