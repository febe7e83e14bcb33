import logging
import time

from flask import Blueprint, abort, g, jsonify, render_template, request
from sqlalchemy import func, select

from .models import Campaign, Donation

logger = logging.getLogger(__name__)
bp = Blueprint("campaigns", __name__)

PAGE_TTL_SECONDS = 60
_page_cache = {}


def _campaign_or_404(slug):
    campaign = g.db.scalar(select(Campaign).where(Campaign.slug == slug, Campaign.is_live.is_(True)))
    if campaign is None:
        abort(404)
    return campaign


@bp.get("/campaigns/<slug>")
def campaign_page(slug):
    cached = _page_cache.get(request.full_path)
    if cached and time.monotonic() - cached[0] < PAGE_TTL_SECONDS:
        return cached[1]

    campaign = _campaign_or_404(slug)
    recent = g.db.scalars(
        select(Donation)
        .where(Donation.campaign_id == campaign.id, Donation.status == "succeeded")
        .order_by(Donation.created_at.desc())
        .limit(20)  # ok: DB002
    ).all()
    progress = min(100, round(100 * campaign.raised_pence / campaign.goal_pence)) if campaign.goal_pence else 0
    html = render_template("campaign.html", campaign=campaign, recent=recent, progress=progress, ref=request.args.get("ref"))
    _page_cache[request.full_path] = (time.monotonic(), html)  # expect: RES002
    return html


@bp.get("/api/campaigns/<slug>/totals")
def campaign_totals(slug):
    campaign = _campaign_or_404(slug)
    donations = g.db.scalars(select(Donation).where(Donation.campaign_id == campaign.id, Donation.status == "succeeded")).all()  # expect: DB002
    raised = sum(d.amount_pence - d.refunded_pence for d in donations)
    gift_aid = sum((d.amount_pence - d.refunded_pence) // 4 for d in donations if d.gift_aid)
    return jsonify(
        {
            "data": {
                "slug": campaign.slug,
                "raised_pence": raised,
                "gift_aid_pence": gift_aid,
                "donors": len({d.donor_id for d in donations}),
                "goal_pence": campaign.goal_pence,
            }
        }
    )


@bp.get("/api/campaigns")
def search_campaigns():
    q = request.args.get("q", "").strip()
    if 0 < len(q) < 3:
        return jsonify({"status": "error", "reason": "query too short"})  # expect: MNT001
    stmt = select(Campaign).where(Campaign.is_live.is_(True))
    if q:
        stmt = stmt.where(Campaign.title.ilike(f"%{q}%"))  # expect: DB006
    rows = g.db.scalars(stmt.order_by(Campaign.raised_pence.desc()).limit(50)).all()
    return jsonify(
        {
            "data": [
                {"slug": c.slug, "title": c.title, "raised_pence": c.raised_pence, "goal_pence": c.goal_pence}
                for c in rows
            ]
        }
    )


@bp.get("/api/campaigns/leaderboard")
def leaderboard():
    rows = g.db.execute(
        select(Campaign.slug, Campaign.title, func.count(Donation.id).label("gifts"))
        .join(Donation, Donation.campaign_id == Campaign.id)
        .where(Campaign.is_live.is_(True), Donation.status == "succeeded")
        .group_by(Campaign.id)
        .order_by(func.count(Donation.id).desc())
        .limit(10)
    ).all()
    return jsonify({"data": [{"slug": r.slug, "title": r.title, "gifts": r.gifts} for r in rows]})
