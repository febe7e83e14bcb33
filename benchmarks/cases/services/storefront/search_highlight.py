"""Storefront search: full-text product search with highlighted matches in the results."""
import html
import logging

from flask import Blueprint, render_template, request
from markupsafe import Markup
from sqlalchemy import text

from .extensions import db

logger = logging.getLogger(__name__)

search_bp = Blueprint("search", __name__, url_prefix="/search")

RESULTS_PER_PAGE = 20


def highlight(snippet: str, term: str) -> Markup:
    """Wrap each occurrence of the search term in <mark> for the results template."""
    escaped = html.escape(snippet)
    return Markup(escaped.replace(html.escape(term), f"<mark>{html.escape(term)}</mark>"))  # ok: SEC016


@search_bp.route("")
def search():
    term = request.args.get("q", "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    if len(term) < 2:
        return render_template("search/empty.html", term=term)

    sql = text(  # expect: SEC001
        f"SELECT id, sku, name, description FROM products "
        f"WHERE published AND name ILIKE '%{term}%' "  # todo-expect: DB006
        f"ORDER BY popularity DESC LIMIT {RESULTS_PER_PAGE} OFFSET {(page - 1) * RESULTS_PER_PAGE}"
    )
    rows = db.session.execute(sql).fetchall()
    results = [
        {
            "sku": row.sku,
            "name": highlight(row.name, term),
            "snippet": highlight(row.description[:200], term),
        }
        for row in rows
    ]
    logger.info("search %r returned %s rows", term, len(results))
    heading = Markup(f"Results for <em>{term}</em>")  # expect: SEC016
    return render_template("search/results.html", heading=heading, results=results, page=page)
